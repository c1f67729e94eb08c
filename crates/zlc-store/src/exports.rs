//! 导出 the records of a unit's subtree over a period, as the rows of the
//! seeds' tables ([`zlc_domain::sheets`]). Big tables come page by page
//! (keyset on date and id, so every page is one index range), for the
//! caller to stream into a file without holding the whole table.
//!
//! Rows are written so that importing the table back finds every record
//! again ([`crate::rowkeys`]): a row of a unit below the table's own names it
//! in 单位; a later walk of a day that looks like an earlier one says so
//! after its date (第2次); an open problem's deadline and status go in
//! 整改时限 and 整改状态, and 整改完成时间 is the day a closed one closed.

use crate::rowkeys::{self, RepeatCounter, UnitTree, WalkCounter};
use crate::{Arg, Result, Scope, Store, args};
use chrono::NaiveDate;
use std::collections::HashMap;
use zlc_domain::campaign::plan::HalfDay;
use zlc_domain::kinds::{ActivityKind, Mode, ProblemStatus};
use zlc_domain::ledger::ProblemSource;
use zlc_domain::period::Period;
use zlc_domain::registry::{HandlingMode, ItemType, ServiceObject, UnitCategory, UnitKind};
use zlc_domain::sheets::{
    ItemEntry, LedgerEntry, ListsEntry, PersonRef, ScheduleEntry, Seq, UnitEntry, WindowStatEntry,
    walk_label,
};

/// date, slot, note, official's name, title, sealed phone, unit.
type ScheduleRow = (
    String,
    String,
    Option<String>,
    String,
    String,
    Option<String>,
    i64,
);
/// name, type, object, mode, channel, section, contact, note, unit.
type ItemRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    i64,
);

/// Where the next page starts: after this (date, id).
pub type Cursor = Option<(String, i64)>;

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// One export under way: the units of its subtree, named as its rows name
/// them, and the walks of the day counted across pages.
pub struct Export {
    pub root: i64,
    pub tree: UnitTree,
    walks: WalkCounter,
}

impl Export {
    /// 单位 of a row: empty for the table's own unit, else a name that
    /// points at one unit of the subtree.
    fn unit(&self, id: i64) -> Option<String> {
        (id != self.root).then(|| self.tree.name(id))
    }

    /// 填报单位 of a table of unit `id` (三个清单 come a table per unit).
    pub fn unit_name(&self, id: i64) -> String {
        self.tree.name(id)
    }
}

/// 三个清单 one table: a unit's activities of one kind by one official on one day.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ListsTable {
    pub unit: i64,
    pub kind: ActivityKind,
    pub official: String,
    pub date: NaiveDate,
}

/// One activity of a page, with its first official.
#[derive(sqlx::FromRow)]
struct ActRow {
    id: i64,
    unit_id: i64,
    date: String,
    kind: String,
    mode: String,
    place: Option<String>,
    content: Option<String>,
    visitors: i64,
    official: Option<String>,
    title: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ProbRow {
    activity_id: i64,
    unit_id: i64,
    unit_name: String,
    source: String,
    description: String,
    cause: Option<String>,
    measures: Option<String>,
    effect: Option<String>,
    status: String,
    deadline: Option<String>,
    closed_on: Option<String>,
    section_id: Option<i64>,
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
    /// 整改完成时间: the day a closed problem was closed, nothing for an open one.
    fn done_on(&self) -> Option<NaiveDate> {
        if self.status == "closed" {
            return self.closed_on.as_deref().and_then(date);
        }
        None
    }

    fn deadline(&self) -> Option<NaiveDate> {
        self.deadline.as_deref().and_then(date)
    }

    fn status(&self) -> Option<ProblemStatus> {
        ProblemStatus::parse(&self.status)
    }

    /// 责任科室: the section the problem is assigned to, or the unit when it
    /// is another than the walk's (a section, or another department).
    fn section(&self, ex: &Export, activity_unit: i64) -> Option<String> {
        let name = |id: i64, raw: &str| {
            if ex.tree.units.contains_key(&id) {
                ex.tree.name(id)
            } else {
                raw.to_string()
            }
        };
        match (self.section_id, &self.section) {
            (Some(id), Some(raw)) => Some(name(id, raw)),
            _ if self.unit_id != activity_unit => Some(name(self.unit_id, &self.unit_name)),
            _ => None,
        }
    }
}

impl Store {
    /// Starts an export of the subtree of the unit at `path` (id `root`).
    pub async fn begin_export(&self, root: i64, path: &str) -> Result<Export> {
        let mut a = Vec::new();
        let cond = Scope::subtree(path.to_string()).condition("path", &mut a);
        let rows: Vec<(i64, Option<i64>, String, String, String)> = self
            .db
            .fetch_all(
                &format!(
                    "SELECT id, parent_id, name, kind, path FROM units WHERE {cond} ORDER BY id"
                ),
                a,
            )
            .await?;
        Ok(Export {
            root,
            tree: UnitTree::from_rows(rows),
            walks: WalkCounter::default(),
        })
    }

    /// 填报单位 of a table: the unit's name, with its parents' before it
    /// while another unit has the same name (便民服务中心 of several streets).
    pub async fn unit_label(&self, unit: &crate::registry::Unit) -> Result<String> {
        let mut name = unit.name.clone();
        let mut at = unit.parent_id;
        while self.unit_by_label(&name).await?.len() > 1 {
            let Some(p) = at else { break };
            let parent: Option<(String, Option<i64>)> = self
                .db
                .fetch_optional("SELECT name, parent_id FROM units WHERE id = $1", args![p])
                .await?;
            let Some((pname, pparent)) = parent else {
                break;
            };
            name = format!("{pname}{name}");
            at = pparent;
        }
        Ok(name)
    }

    /// The units a 填报单位 names: by name, or by the names of its nearest
    /// ancestors written before its own (南门街道办事处便民服务中心).
    pub async fn unit_by_label(&self, label: &str) -> Result<Vec<crate::registry::Unit>> {
        let t: String = label
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '/' | '／' | '·'))
            .collect();
        let exact = self.unit_by_name(&t).await?;
        if !exact.is_empty() {
            return Ok(exact);
        }
        let ends: Vec<crate::registry::Unit> = self
            .db
            .fetch_all(
                "SELECT * FROM units WHERE $1 LIKE '%' || name AND name <> '' ORDER BY id",
                args![&t],
            )
            .await?;
        let mut out = Vec::new();
        for u in ends {
            let mut rest = t
                .strip_suffix(u.name.as_str())
                .unwrap_or_default()
                .to_string();
            let mut at = u.parent_id;
            while !rest.is_empty() {
                let Some(p) = at else { break };
                let parent: Option<(String, Option<i64>)> = self
                    .db
                    .fetch_optional("SELECT name, parent_id FROM units WHERE id = $1", args![p])
                    .await?;
                let Some((pname, pparent)) = parent else {
                    break;
                };
                match rest.strip_suffix(pname.as_str()) {
                    Some(r) => rest = r.to_string(),
                    None => break,
                }
                at = pparent;
            }
            if rest.is_empty() {
                out.push(u);
            }
        }
        Ok(out)
    }

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
            "SELECT a.id, a.unit_id, a.date, a.kind, a.mode, a.place, a.content, a.visitors, \
             (SELECT o.name FROM activity_officials ao JOIN officials o ON o.id = ao.official_id WHERE ao.activity_id = a.id ORDER BY o.id LIMIT 1) AS official, \
             (SELECT o.title FROM activity_officials ao JOIN officials o ON o.id = ao.official_id WHERE ao.activity_id = a.id ORDER BY o.id LIMIT 1) AS title \
             FROM activities a WHERE a.date >= $1 AND a.date <= $2 AND {cond} AND a.status = 'filed' AND a.kind IN ({}) {after_sql} \
             ORDER BY a.date, a.id LIMIT ${}",
            kinds_sql.join(", "),
            a.len()
        );
        Ok(self.db.fetch_all(&sql, a).await?)
    }

    async fn items_of(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<String>>> {
        let mut out: HashMap<i64, Vec<String>> = HashMap::new();
        for chunk in ids.chunks(500) {
            let (sql, a) = rowkeys::items_query(chunk);
            let rows: Vec<(i64, String)> = self.db.fetch_all(&sql, a).await?;
            for (id, name) in rows {
                out.entry(id).or_default().push(name);
            }
        }
        Ok(out)
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
                        "SELECT p.activity_id, p.unit_id, u.name AS unit_name, p.source, p.description, p.cause, p.measures, p.effect, p.status, p.deadline, p.closed_on, \
                         p.section_id, s.name AS section \
                         FROM problems p JOIN units u ON u.id = p.unit_id LEFT JOIN units s ON s.id = p.section_id WHERE p.activity_id IN ({}) ORDER BY p.id",
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
        ex: &mut Export,
        scope: &Scope,
        period: Period,
        after: &Cursor,
        limit: i64,
    ) -> Result<(Vec<LedgerEntry>, Cursor)> {
        let acts = self
            .activity_page(scope, period, &["walk", "window", "inspect"], after, limit)
            .await?;
        let next = acts.last().map(|a| (a.date.clone(), a.id));
        let ids: Vec<i64> = acts.iter().map(|a| a.id).collect();
        let mut probs = self.problems_of(&ids).await?;
        let mut items = self.items_of(&ids).await?;
        let mut out = Vec::with_capacity(acts.len());
        for a in acts {
            let Some(d) = date(&a.date) else { continue };
            let who = a.official.clone().unwrap_or_default();
            // Items by name, so that the cell reads the same in any database.
            let mut names = items.remove(&a.id).unwrap_or_default();
            names.sort();
            let form = ledger_mode(&a.mode);
            let base = rowkeys::ledger_walk(
                &a.date,
                &who,
                &rowkeys::items_key(&names, a.content.as_deref()),
                form.code(),
                0,
            );
            let walk = ex.walks.next(&a.date, format!("{}|{base}", a.unit_id));
            let item = if names.is_empty() {
                a.content.clone().filter(|s| !s.is_empty())
            } else {
                Some(names.join("\n"))
            };
            let base = LedgerEntry {
                row: 0,
                date: d,
                slot: walk_label(walk),
                person: PersonRef {
                    name: who,
                    title: a.title.clone().unwrap_or_default(),
                },
                item,
                mode: form,
                problem: None,
                measures: None,
                done_on: None,
                section: None,
                deadline: None,
                status: None,
                unit: ex.unit(a.unit_id),
                seq: Seq { walk, repeat: 0 },
            };
            match probs.remove(&a.id) {
                None => out.push(base),
                Some(list) => {
                    for p in list {
                        out.push(LedgerEntry {
                            problem: Some((p.description.clone(), p.cause.clone())),
                            measures: p.measures.clone(),
                            done_on: p.done_on(),
                            section: p.section(ex, a.unit_id),
                            deadline: p.deadline(),
                            status: p.status(),
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
        ex: &mut Export,
        scope: &Scope,
        period: Period,
        after: &Cursor,
        limit: i64,
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
            let who = a.official.clone().unwrap_or_default();
            let walk = ex.walks.next(
                &a.date,
                format!(
                    "{}|{}",
                    a.unit_id,
                    rowkeys::window_sitting(&a.date, &who, 0)
                ),
            );
            let base = WindowStatEntry {
                row: 0,
                date: d,
                slot: walk_label(walk),
                person: PersonRef {
                    name: who,
                    title: a.title.clone().unwrap_or_default(),
                },
                visitors: a.visitors,
                problem: None,
                measures: None,
                done_on: None,
                section: None,
                deadline: None,
                status: None,
                unit: ex.unit(a.unit_id),
                seq: Seq { walk, repeat: 0 },
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
                            done_on: p.done_on(),
                            section: p.section(ex, a.unit_id),
                            deadline: p.deadline(),
                            status: p.status(),
                            ..base.clone()
                        });
                    }
                }
            }
        }
        Ok((out, next))
    }

    /// 三个清单: the activities of the period, one table per unit, activity
    /// kind, official and day (the seed's header names one of each), each
    /// activity a row per problem (and per need, when it has more needs).
    pub async fn lists_tables(
        &self,
        scope: &Scope,
        period: Period,
    ) -> Result<Vec<(ListsTable, Vec<ListsEntry>)>> {
        let mut tables: Vec<(ListsTable, Vec<ListsEntry>)> = Vec::new();
        let mut index: HashMap<ListsTable, usize> = HashMap::new();
        let mut walks: HashMap<(usize, Option<String>, String), u32> = HashMap::new();
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
            let mut needs = self.needs_of(&ids).await?;
            let mut items = self.items_of(&ids).await?;
            for a in acts {
                let (Some(kind), Some(d)) = (ActivityKind::parse(&a.kind), date(&a.date)) else {
                    continue;
                };
                let who = a.official.clone().unwrap_or_default();
                let key = ListsTable {
                    unit: a.unit_id,
                    kind,
                    official: who.clone(),
                    date: d,
                };
                let at = *index.entry(key.clone()).or_insert_with(|| {
                    tables.push((key, Vec::new()));
                    tables.len() - 1
                });
                let mut names = items.remove(&a.id).unwrap_or_default();
                names.sort();
                let content = if names.is_empty() {
                    a.content.clone().unwrap_or_default()
                } else {
                    names.join("\n")
                };
                let probs = probs.remove(&a.id).unwrap_or_default();
                let needs = needs.remove(&a.id).unwrap_or_default();
                let mut repeats = RepeatCounter::default();
                // A later activity of the table at the same place with the
                // same 体验内容 says so in 备注.
                let place = a.place.clone().filter(|s| !s.is_empty());
                let walk = {
                    let n = walks
                        .entry((at, place.clone(), content.clone()))
                        .or_insert(0);
                    *n += 1;
                    *n - 1
                };
                for i in 0..probs.len().max(needs.len()).max(1) {
                    let p = probs.get(i);
                    let closed = p.filter(|p| p.status == "closed");
                    tables[at].1.push(ListsEntry {
                        row: 0,
                        place: place.clone().unwrap_or_else(|| "—".into()),
                        content: content.clone(),
                        mode: Mode::parse(&a.mode),
                        problem: p.map(|p| p.description.clone()),
                        need: needs.get(i).cloned(),
                        measure: p.and_then(|p| p.measures.clone()),
                        // 完成时限: the day a closed problem closed, else its deadline.
                        deadline: p.and_then(|p| p.done_on().or(p.deadline())),
                        effect: closed.and_then(|p| p.effect.clone()),
                        note: walk_label(walk),
                        status: p.and_then(|p| p.status()),
                        seq: Seq {
                            walk,
                            repeat: p.map_or(0, |p| repeats.next(a.id, &p.description)),
                        },
                    });
                }
            }
        }
        Ok(tables)
    }

    async fn needs_of(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<String>>> {
        let mut out: HashMap<i64, Vec<String>> = HashMap::new();
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
                out.entry(id).or_default().push(c);
            }
        }
        Ok(out)
    }

    /// 坐窗口时间安排表: the window plans of the period, not cancelled, with
    /// each official's phone opened when `phones` (the caller may read them),
    /// masked otherwise.
    pub async fn schedule_rows(
        &self,
        ex: &Export,
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
                    "SELECT p.date, p.slot, p.place_note, o.name, o.title, o.phone_enc, p.unit_id FROM plans p \
                     JOIN plan_officials po ON po.plan_id = p.id JOIN officials o ON o.id = po.official_id \
                     WHERE p.kind = 'window' AND p.status <> 'cancelled' AND p.date >= $1 AND p.date <= $2 AND {cond} \
                     ORDER BY p.date, p.slot, p.id, o.id"
                ),
                a,
            )
            .await?;
        let mut out = Vec::new();
        for (d, slot, note, name, title, phone, unit) in rows {
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
                unit: ex.unit(unit),
            });
        }
        Ok(out)
    }

    /// 事项清单 of a unit's subtree.
    pub async fn item_rows(&self, ex: &Export, scope: &Scope) -> Result<Vec<ItemEntry>> {
        let mut a = Vec::new();
        let cond = scope.condition("u.path", &mut a);
        let rows: Vec<ItemRow> = self
            .db
            .fetch_all(
                &format!(
                    "SELECT i.name, i.item_type, i.service_object, i.handling_mode, i.channel, s.name, i.contact, i.note, i.unit_id FROM items i \
                     JOIN units u ON u.id = i.unit_id LEFT JOIN units s ON s.id = i.section_id WHERE {cond} ORDER BY u.path, i.id"
                ),
                a,
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(
                |(name, t, o, m, channel, section, contact, note, unit)| ItemEntry {
                    row: 0,
                    name,
                    item_type: ItemType::parse(&t).unwrap_or(ItemType::Other),
                    service_object: ServiceObject::parse(&o).unwrap_or(ServiceObject::Both),
                    handling_mode: HandlingMode::parse(&m).unwrap_or(HandlingMode::Both),
                    channel,
                    section,
                    contact,
                    note,
                    unit: ex.unit(unit),
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
