//! 导出 the records of a unit's subtree over a period, as the rows of the
//! seeds' tables ([`zlc_domain::sheets`]). Big tables come page by page
//! (keyset on date and id, so every page is one index range), for the
//! caller to stream into a file without holding the whole table.

use crate::{Arg, Result, Scope, Store, args};
use chrono::NaiveDate;
use std::collections::HashMap;
use zlc_domain::campaign::plan::HalfDay;
use zlc_domain::kinds::{ActivityKind, Mode};
use zlc_domain::ledger::ProblemSource;
use zlc_domain::period::Period;
use zlc_domain::registry::{HandlingMode, ItemType, ServiceObject, UnitCategory, UnitKind};
use zlc_domain::sheets::{
    ItemEntry, LedgerEntry, ListsEntry, PersonRef, ScheduleEntry, UnitEntry, WindowStatEntry,
};

/// date, slot, note, official's name, title, sealed phone.
type ScheduleRow = (
    String,
    String,
    Option<String>,
    String,
    String,
    Option<String>,
);
/// name, type, object, mode, channel, section, contact, note.
type ItemRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// Where the next page starts: after this (date, id).
pub type Cursor = Option<(String, i64)>;

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// One activity of a page, with its first official and item.
#[derive(sqlx::FromRow)]
struct ActRow {
    id: i64,
    date: String,
    kind: String,
    mode: String,
    place: Option<String>,
    content: Option<String>,
    visitors: i64,
    official: Option<String>,
    title: Option<String>,
    item: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ProbRow {
    activity_id: i64,
    source: String,
    description: String,
    cause: Option<String>,
    measures: Option<String>,
    effect: Option<String>,
    status: String,
    deadline: Option<String>,
    closed_on: Option<String>,
    section: Option<String>,
}

/// The mark column a mode is written under in 附件3: 代理办 (帮代办) is
/// 陪同办 there, 交叉走 is 亲身办.
pub(crate) fn ledger_mode(mode: &str) -> Mode {
    match Mode::parse(mode) {
        Some(Mode::Proxy) => Mode::Accompany,
        Some(Mode::Cross) => Mode::SelfService,
        Some(m @ (Mode::Window | Mode::SelfService | Mode::Accompany | Mode::Inspect)) => m,
        _ => Mode::SelfService,
    }
}

impl ProbRow {
    /// 整改完成时间 as the table means it: the day it was closed, or the
    /// deadline still ahead; a passed deadline of an open problem is not a
    /// completion and is left out.
    fn done_on(&self, today: NaiveDate) -> Option<NaiveDate> {
        if self.status == "closed" {
            return self.closed_on.as_deref().and_then(date);
        }
        self.deadline
            .as_deref()
            .and_then(date)
            .filter(|d| *d > today)
    }
}

impl Store {
    async fn activity_page(
        &self,
        scope: &Scope,
        period: Period,
        kinds: &[&str],
        after: &Cursor,
        limit: i64,
    ) -> Result<Vec<ActRow>> {
        let mut a: Vec<Arg> = args![period.start().to_string(), period.end().to_string()];
        let cond = scope.condition("a.unit_path", &mut a);
        let kinds_sql: Vec<String> = kinds
            .iter()
            .map(|k| {
                a.push((*k).into());
                format!("${}", a.len())
            })
            .collect();
        let after_sql = match after {
            Some((d, id)) => {
                a.push(d.as_str().into());
                a.push((*id).into());
                let n = a.len();
                format!(
                    "AND (a.date > ${} OR (a.date = ${} AND a.id > ${}))",
                    n - 1,
                    n - 1,
                    n
                )
            }
            None => String::new(),
        };
        a.push(limit.into());
        let sql = format!(
            "SELECT a.id, a.date, a.kind, a.mode, a.place, a.content, a.visitors, \
             (SELECT o.name FROM activity_officials ao JOIN officials o ON o.id = ao.official_id WHERE ao.activity_id = a.id ORDER BY o.id LIMIT 1) AS official, \
             (SELECT o.title FROM activity_officials ao JOIN officials o ON o.id = ao.official_id WHERE ao.activity_id = a.id ORDER BY o.id LIMIT 1) AS title, \
             (SELECT i.name FROM activity_items ai JOIN items i ON i.id = ai.item_id WHERE ai.activity_id = a.id ORDER BY i.id LIMIT 1) AS item \
             FROM activities a WHERE a.date >= $1 AND a.date <= $2 AND {cond} AND a.status = 'filed' AND a.kind IN ({}) {after_sql} \
             ORDER BY a.date, a.id LIMIT ${}",
            kinds_sql.join(", "),
            a.len()
        );
        Ok(self.db.fetch_all(&sql, a).await?)
    }

    async fn problems_of(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<ProbRow>>> {
        let mut out: HashMap<i64, Vec<ProbRow>> = HashMap::new();
        for chunk in ids.chunks(500) {
            let a: Vec<Arg> = chunk.iter().map(|i| Arg::from(*i)).collect();
            let marks: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
            let rows: Vec<ProbRow> = self
                .db
                .fetch_all(
                    &format!(
                        "SELECT p.activity_id, p.source, p.description, p.cause, p.measures, p.effect, p.status, p.deadline, p.closed_on, s.name AS section \
                         FROM problems p LEFT JOIN units s ON s.id = p.section_id WHERE p.activity_id IN ({}) ORDER BY p.id",
                        marks.join(", ")
                    ),
                    a,
                )
                .await?;
            for r in rows {
                out.entry(r.activity_id).or_default().push(r);
            }
        }
        Ok(out)
    }

    /// A page of 问题整改台账 rows: each problem of a walk, window sitting or
    /// inspection, and each of those that found nothing as one row of its own.
    pub async fn ledger_page(
        &self,
        scope: &Scope,
        period: Period,
        after: &Cursor,
        limit: i64,
        today: NaiveDate,
    ) -> Result<(Vec<LedgerEntry>, Cursor)> {
        let acts = self
            .activity_page(scope, period, &["walk", "window", "inspect"], after, limit)
            .await?;
        let next = acts.last().map(|a| (a.date.clone(), a.id));
        let ids: Vec<i64> = acts.iter().map(|a| a.id).collect();
        let mut probs = self.problems_of(&ids).await?;
        let mut out = Vec::with_capacity(acts.len());
        for a in acts {
            let Some(d) = date(&a.date) else { continue };
            let person = PersonRef {
                name: a.official.clone().unwrap_or_default(),
                title: a.title.clone().unwrap_or_default(),
            };
            let base = LedgerEntry {
                row: 0,
                date: d,
                person,
                item: a
                    .item
                    .clone()
                    .or(a.content.clone())
                    .filter(|s| !s.is_empty()),
                mode: ledger_mode(&a.mode),
                problem: None,
                measures: None,
                done_on: None,
                section: None,
            };
            match probs.remove(&a.id) {
                None => out.push(base),
                Some(list) => {
                    for p in list {
                        out.push(LedgerEntry {
                            done_on: p.done_on(today),
                            problem: Some((p.description.clone(), p.cause.clone())),
                            measures: p.measures.clone(),
                            section: p.section.clone(),
                            ..base.clone()
                        });
                    }
                }
            }
        }
        Ok((out, next))
    }

    /// A page of 坐窗口统计表 rows: each problem of a window sitting, and each
    /// sitting that found nothing.
    pub async fn window_stats_page(
        &self,
        scope: &Scope,
        period: Period,
        after: &Cursor,
        limit: i64,
        today: NaiveDate,
    ) -> Result<(Vec<WindowStatEntry>, Cursor)> {
        let acts = self
            .activity_page(scope, period, &["window"], after, limit)
            .await?;
        let next = acts.last().map(|a| (a.date.clone(), a.id));
        let ids: Vec<i64> = acts.iter().map(|a| a.id).collect();
        let mut probs = self.problems_of(&ids).await?;
        let mut out = Vec::new();
        for a in acts {
            let Some(d) = date(&a.date) else { continue };
            let base = WindowStatEntry {
                row: 0,
                date: d,
                person: PersonRef {
                    name: a.official.clone().unwrap_or_default(),
                    title: a.title.clone().unwrap_or_default(),
                },
                visitors: a.visitors,
                problem: None,
                measures: None,
                done_on: None,
                section: None,
            };
            match probs.remove(&a.id) {
                None => out.push(base),
                Some(list) => {
                    for p in list {
                        let source = match ProblemSource::parse(&p.source) {
                            Some(
                                s @ (ProblemSource::Public
                                | ProblemSource::Staff
                                | ProblemSource::SelfCheck),
                            ) => s,
                            _ => ProblemSource::Other,
                        };
                        out.push(WindowStatEntry {
                            problem: Some((source, p.description.clone())),
                            measures: p.measures.clone(),
                            done_on: p.done_on(today),
                            section: p.section.clone(),
                            ..base.clone()
                        });
                    }
                }
            }
        }
        Ok((out, next))
    }

    /// 三个清单: the activities of the period, one table per activity kind,
    /// official and day (the seed's header names one of each), each row one
    /// activity with its problem, need and measure.
    pub async fn lists_tables(
        &self,
        scope: &Scope,
        period: Period,
        today: NaiveDate,
    ) -> Result<Vec<((ActivityKind, String, NaiveDate), Vec<ListsEntry>)>> {
        let mut tables: Vec<((ActivityKind, String, NaiveDate), Vec<ListsEntry>)> = Vec::new();
        let mut index: HashMap<(ActivityKind, String, NaiveDate), usize> = HashMap::new();
        let mut after: Cursor = None;
        loop {
            let acts = self
                .activity_page(
                    scope,
                    period,
                    &["walk", "window", "inspect", "enforce", "complaint"],
                    &after,
                    2000,
                )
                .await?;
            if acts.is_empty() {
                break;
            }
            after = acts.last().map(|a| (a.date.clone(), a.id));
            let ids: Vec<i64> = acts.iter().map(|a| a.id).collect();
            let mut probs = self.problems_of(&ids).await?;
            let needs = self.needs_of(&ids).await?;
            for a in acts {
                let (Some(kind), Some(d)) = (ActivityKind::parse(&a.kind), date(&a.date)) else {
                    continue;
                };
                let who = a.official.clone().unwrap_or_default();
                let at = *index.entry((kind, who.clone(), d)).or_insert_with(|| {
                    tables.push(((kind, who.clone(), d), Vec::new()));
                    tables.len() - 1
                });
                let p = probs.remove(&a.id).and_then(|v| v.into_iter().next());
                let need = needs.get(&a.id).cloned();
                let closed = p.as_ref().filter(|p| p.status == "closed");
                tables[at].1.push(ListsEntry {
                    row: 0,
                    place: a
                        .place
                        .clone()
                        .filter(|s| !s.is_empty())
                        .unwrap_or_else(|| "—".into()),
                    content: a.item.clone().or(a.content.clone()).unwrap_or_default(),
                    mode: Mode::parse(&a.mode),
                    problem: p.as_ref().map(|p| p.description.clone()),
                    need,
                    measure: p.as_ref().and_then(|p| p.measures.clone()),
                    deadline: p.as_ref().and_then(|p| p.done_on(today)),
                    effect: closed.and_then(|p| p.effect.clone()),
                    note: None,
                });
            }
        }
        Ok(tables)
    }

    async fn needs_of(&self, ids: &[i64]) -> Result<HashMap<i64, String>> {
        let mut out = HashMap::new();
        for chunk in ids.chunks(500) {
            let a: Vec<Arg> = chunk.iter().map(|i| Arg::from(*i)).collect();
            let marks: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
            let rows: Vec<(i64, String)> = self
                .db
                .fetch_all(
                    &format!(
                        "SELECT activity_id, content FROM needs WHERE activity_id IN ({}) ORDER BY id",
                        marks.join(", ")
                    ),
                    a,
                )
                .await?;
            for (id, c) in rows {
                out.entry(id).or_insert(c);
            }
        }
        Ok(out)
    }

    /// 坐窗口时间安排表: the window plans of the period, not cancelled, with
    /// each official's phone opened when `phones` (the caller may read them),
    /// masked otherwise.
    pub async fn schedule_rows(
        &self,
        scope: &Scope,
        period: Period,
        phones: bool,
    ) -> Result<Vec<ScheduleEntry>> {
        let mut a: Vec<Arg> = args![period.start().to_string(), period.end().to_string()];
        let cond = scope.condition("p.unit_path", &mut a);
        let rows: Vec<ScheduleRow> = self
            .db
            .fetch_all(
                &format!(
                    "SELECT p.date, p.slot, p.place_note, o.name, o.title, o.phone_enc FROM plans p \
                     JOIN plan_officials po ON po.plan_id = p.id JOIN officials o ON o.id = po.official_id \
                     WHERE p.kind = 'window' AND p.status <> 'cancelled' AND p.date >= $1 AND p.date <= $2 AND {cond} \
                     ORDER BY p.date, p.slot, p.id, o.id"
                ),
                a,
            )
            .await?;
        let mut out = Vec::new();
        for (d, slot, note, name, title, phone) in rows {
            let Some(d) = date(&d) else { continue };
            let phone = self.cipher.decrypt_opt(phone.as_deref())?;
            out.push(ScheduleEntry {
                row: 0,
                date: d,
                slot: HalfDay::parse(&slot).unwrap_or(HalfDay::Day),
                person: PersonRef { name, title },
                phone: if phones {
                    phone
                } else {
                    phone.map(|p| zlc_domain::auth::mask_phone(&p))
                },
                note,
            });
        }
        Ok(out)
    }

    /// 事项清单 of a unit's subtree.
    pub async fn item_rows(&self, scope: &Scope) -> Result<Vec<ItemEntry>> {
        let mut a = Vec::new();
        let cond = scope.condition("u.path", &mut a);
        let rows: Vec<ItemRow> = self
            .db
            .fetch_all(
                &format!(
                    "SELECT i.name, i.item_type, i.service_object, i.handling_mode, i.channel, s.name, i.contact, i.note FROM items i \
                     JOIN units u ON u.id = i.unit_id LEFT JOIN units s ON s.id = i.section_id WHERE {cond} ORDER BY u.path, i.id"
                ),
                a,
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(
                |(name, t, o, m, channel, section, contact, note)| ItemEntry {
                    row: 0,
                    name,
                    item_type: ItemType::parse(&t).unwrap_or(ItemType::Other),
                    service_object: ServiceObject::parse(&o).unwrap_or(ServiceObject::Both),
                    handling_mode: HandlingMode::parse(&m).unwrap_or(HandlingMode::Both),
                    channel,
                    section,
                    contact,
                    note,
                },
            )
            .collect())
    }

    /// 单位名单 of a subtree, parents before children.
    pub async fn unit_rows(&self, scope: &Scope) -> Result<Vec<UnitEntry>> {
        let mut a = Vec::new();
        let cond = scope.condition("u.path", &mut a);
        let rows: Vec<(String, Option<String>, String, String)> = self
            .db
            .fetch_all(
                &format!(
                    "SELECT u.name, p.name, u.kind, u.categories FROM units u LEFT JOIN units p ON p.id = u.parent_id \
                     WHERE {cond} ORDER BY u.depth, u.sort, u.id"
                ),
                a,
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|(name, parent, kind, cats)| UnitEntry {
                row: 0,
                name,
                parent,
                kind: UnitKind::parse(&kind).unwrap_or(UnitKind::Department),
                categories: cats.split(',').filter_map(UnitCategory::parse).collect(),
            })
            .collect())
    }
}
