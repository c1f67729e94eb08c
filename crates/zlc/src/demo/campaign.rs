//! The campaign over a registry: plans, activities with officials, items and
//! callbacks, problems with their timelines, needs and measures. Generated on
//! one thread from the seed (so the same seed gives the same rows), handed to
//! the bulk writer in batches.

use super::Rng;
use super::model::{MUnit, Model};
use super::text::{self, ProblemText};
use chrono::{Datelike, Days, NaiveDate, Weekday};
use std::collections::HashMap;
use tokio::sync::mpsc::Sender;
use zlc_domain::campaign::ActivityStatus;
use zlc_domain::campaign::problem::check_rectification_texts;
use zlc_domain::kinds::{ActivityKind, Channel, Disposition, Mode, ProblemStatus, Rank};
use zlc_domain::policy::Policy;
use zlc_store::Arg;
use zlc_store::bulk::Table;
use zlc_store::crypto::FieldCipher;
use zlc_store::rows::{
    ActivityItemRow, ActivityOfficialRow, ActivityRow, CallbackRow, ItemFiguresRow, ItemRow,
    MeasureRow, NeedRow, OfficialRow, PlanItemRow, PlanOfficialRow, PlanRow, ProblemEventRow,
    ProblemRow, Row, UnitRow, Version,
};

pub const TABLES: &[&Table] = &[
    &UnitRow::TABLE,
    &OfficialRow::TABLE,
    &ItemRow::TABLE,
    &ItemFiguresRow::TABLE,
    &PlanRow::TABLE,
    &PlanOfficialRow::TABLE,
    &PlanItemRow::TABLE,
    &ActivityRow::TABLE,
    &ActivityOfficialRow::TABLE,
    &ActivityItemRow::TABLE,
    &CallbackRow::TABLE,
    &ProblemRow::TABLE,
    &ProblemEventRow::TABLE,
    &NeedRow::TABLE,
    &MeasureRow::TABLE,
];

/// What the writer receives.
pub enum Msg {
    Rows(usize, Vec<Arg>),
    /// Units done, out of the total.
    Tick(usize),
    Failed(String),
}

/// Batches rows per table and sends them when full.
pub struct Out {
    tx: Sender<Msg>,
    bufs: Vec<Vec<Arg>>,
    pub counts: Vec<u64>,
}

impl Out {
    pub fn new(tx: Sender<Msg>) -> Self {
        Out {
            tx,
            bufs: TABLES.iter().map(|_| Vec::new()).collect(),
            counts: vec![0; TABLES.len()],
        }
    }

    fn idx(t: &Table) -> usize {
        TABLES.iter().position(|x| x.name == t.name).unwrap_or(0)
    }

    fn row(&mut self, t: &Table, row: Vec<Arg>) {
        let i = Self::idx(t);
        debug_assert_eq!(row.len(), t.cols.len(), "{}", t.name);
        self.bufs[i].extend(row);
        self.counts[i] += 1;
        if self.bufs[i].len() >= t.rows_per_statement() * t.cols.len() * 4 {
            let b = std::mem::take(&mut self.bufs[i]);
            let _ = self.tx.blocking_send(Msg::Rows(i, b));
        }
    }

    /// A typed row of one of [`TABLES`].
    pub fn put<R: Row>(&mut self, r: R) {
        let mut v = Vec::with_capacity(R::TABLE.cols.len());
        r.args(&mut v);
        self.row(&R::TABLE, v);
    }

    pub fn tick(&self, n: usize) {
        let _ = self.tx.blocking_send(Msg::Tick(n));
    }

    pub fn flush(&mut self) {
        for i in 0..self.bufs.len() {
            let b = std::mem::take(&mut self.bufs[i]);
            if !b.is_empty() {
                let _ = self.tx.blocking_send(Msg::Rows(i, b));
            }
        }
    }
}

/// Unix milliseconds of a Beijing wall-clock time.
fn ms(d: NaiveDate, h: u32, m: u32) -> i64 {
    d.and_hms_opt(h, m, 0)
        .map(|x| x.and_utc().timestamp_millis() - 8 * 3_600_000)
        .unwrap_or(0)
}

fn add(d: NaiveDate, n: i64) -> NaiveDate {
    if n >= 0 {
        d.checked_add_days(Days::new(n as u64)).unwrap_or(d)
    } else {
        d.checked_sub_days(Days::new((-n) as u64)).unwrap_or(d)
    }
}

fn workday(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

fn add_workdays(mut d: NaiveDate, n: u32) -> NaiveDate {
    let mut left = n;
    while left > 0 {
        d = add(d, 1);
        if workday(d) {
            left -= 1;
        }
    }
    d
}

/// The registry rows of a built tree (scales above `small`).
pub fn registry_rows(
    m: &Model,
    cipher: &FieldCipher,
    created: i64,
    out: &mut Out,
) -> anyhow::Result<()> {
    for u in &m.units {
        out.put(UnitRow {
            version: Version::FIRST,
            id: Some(u.id),
            parent_id: u.parent,
            path: u.path.clone(),
            depth: u.depth,
            name: u.name.clone(),
            kind: u.kind.into(),
            categories: u.cats.clone(),
            code: None,
            sort: 0,
            created_at: created,
            updated_at: created,
            lead_office: None,
        });
    }
    for o in &m.officials {
        out.put(OfficialRow {
            version: Version::FIRST,
            id: Some(o.id),
            unit_id: o.unit_id,
            // The table's default: the statistics' rebuild after the load
            // fills it.
            unit_path: String::new(),
            name: o.name.clone(),
            title: o.title.clone(),
            rank: o.rank.code().into(),
            phone_enc: Some(cipher.encrypt(&o.phone)?),
            active: true,
            created_at: created,
            updated_at: created,
        });
    }
    for it in &m.items {
        let f = it.figures;
        let person = it.power == "benefit";
        out.put(ItemRow {
            version: Version::FIRST,
            id: Some(it.id),
            unit_id: it.unit_id,
            section_id: it.section_id,
            name: it.name.clone(),
            item_type: it.item_type.into(),
            power_category: it.power.into(),
            service_object: if person { "person" } else { "both" }.into(),
            handling_mode: "both".into(),
            channel: Some("网址：https://zwfw.example.gov.cn 地址：政务服务中心一楼".into()),
            contact: Some("12345".into()),
            note: None,
            materials: Some(f[0]),
            time_limit_days: Some(f[1]),
            steps: Some(f[2]),
            trips: Some(f[3]),
            online: Some(f[4] == 1),
            created_at: created,
            updated_at: created,
        });
        out.put(ItemFiguresRow {
            item_id: it.id,
            materials: Some(f[0]),
            time_limit_days: Some(f[1]),
            steps: Some(f[2]),
            trips: Some(f[3]),
            online: Some(f[4] == 1),
            source: "登记".into(),
            note: None,
            recorded_by: None,
            recorded_at: created,
        });
    }
    Ok(())
}

/// Who works and signs off rectifications, and what the policy asks.
pub struct Params {
    pub seed: u64,
    pub from: NaiveDate,
    pub today: NaiveDate,
    pub handler: (i64, String),
    pub verifier: (i64, String),
    pub steps: HashMap<&'static str, Vec<String>>,
    pub review_days: i64,
    /// The active policy: the demo keeps to its kinds, modes, channels,
    /// dispositions, statuses and close rules, as the forms would.
    pub policy: Policy,
    /// Activities per official per year.
    pub rate: f64,
}

struct Ctx<'a> {
    p: &'a Params,
    rng: Rng,
    cipher: &'a FieldCipher,
    out: &'a mut Out,
    next_plan: i64,
    next_activity: i64,
    next_problem: i64,
    next_need: i64,
    next_measure: i64,
    dates: HashMap<NaiveDate, String>,
}

impl Ctx<'_> {
    /// A date as stored, formatted once per day.
    fn day(&mut self, d: NaiveDate) -> String {
        self.dates.entry(d).or_insert_with(|| d.to_string()).clone()
    }
}

struct Place<'a> {
    unit: &'a MUnit,
    region: i64,
    hall: Option<(i64, &'a str)>,
    items: &'a [usize],
    section: Option<i64>,
    cats: &'a str,
}

/// Generates the whole campaign; returns nothing, the rows went to `out`.
pub fn campaign(m: &Model, p: &Params, cipher: &FieldCipher, out: &mut Out) -> anyhow::Result<()> {
    let mut c = Ctx {
        p,
        rng: Rng::new(p.seed.wrapping_mul(31).wrapping_add(7)),
        cipher,
        out,
        next_plan: 1,
        next_activity: 1,
        next_problem: 1,
        next_need: 1,
        next_measure: 1,
        dates: HashMap::new(),
    };
    let by_id: HashMap<i64, usize> = m.units.iter().enumerate().map(|(k, u)| (u.id, k)).collect();
    let mut own_items: HashMap<i64, Vec<usize>> = HashMap::new();
    for (k, it) in m.items.iter().enumerate() {
        own_items.entry(it.unit_id).or_default().push(k);
    }
    // Items of a region: those of the departments directly below it.
    let mut region_items: HashMap<i64, Vec<usize>> = HashMap::new();
    let mut halls: HashMap<i64, (i64, &str)> = HashMap::new();
    let mut first_section: HashMap<i64, i64> = HashMap::new();
    for u in &m.units {
        if let Some(par) = u.parent {
            if u.kind == "hall" {
                halls.entry(par).or_insert((u.id, &u.name));
            }
            if u.kind == "section" {
                first_section.entry(par).or_insert(u.id);
            }
            if let Some(its) = own_items.get(&u.id) {
                region_items.entry(par).or_default().extend(its);
            }
        }
    }
    let parent_of = |id: i64| by_id.get(&id).and_then(|&k| m.units[k].parent);
    let empty: Vec<usize> = Vec::new();
    let mut officials_of: HashMap<i64, Vec<usize>> = HashMap::new();
    for (k, o) in m.officials.iter().enumerate() {
        officials_of.entry(o.unit_id).or_default().push(k);
    }
    // Quarters of the span, with their working days (to yesterday) and the days to come.
    let yesterday = add(p.today, -1);
    let mut quarters: Vec<(Vec<NaiveDate>, Vec<NaiveDate>, f64)> = Vec::new();
    let mut q_start = p.from;
    while q_start <= yesterday {
        let q_end = {
            let (y, mth) = (q_start.year(), q_start.month());
            let next = if mth >= 10 {
                NaiveDate::from_ymd_opt(y + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(y, mth + 3, 1)
            };
            add(next.unwrap_or(q_start), -1)
        };
        let mut past = Vec::new();
        let mut future = Vec::new();
        let mut d = q_start;
        while d <= q_end {
            if workday(d) {
                if d <= yesterday {
                    past.push(d);
                } else if d > p.today {
                    future.push(d);
                }
            }
            d = add(d, 1);
        }
        let days = (q_end - q_start).num_days() as f64 + 1.0;
        let frac = ((yesterday.min(q_end) - q_start).num_days() as f64 + 1.0) / days;
        quarters.push((past, future, frac));
        q_start = add(q_end, 1);
    }

    for (done, u) in m.units.iter().enumerate() {
        if done % 200 == 0 {
            c.out.tick(done);
        }
        let Some(offs) = officials_of.get(&u.id) else {
            continue;
        };
        let region = zlc_store::campaign::region_of(&u.path).unwrap_or(u.id);
        // The items this unit's people experience: its own, its department's, else its region's.
        let mut items: &[usize] = &empty;
        let mut hall = None;
        let mut cur = Some(u.id);
        while let Some(x) = cur {
            if items.is_empty() {
                if let Some(its) = own_items.get(&x).filter(|v| !v.is_empty()) {
                    items = its;
                } else if let Some(its) = region_items.get(&x).filter(|v| !v.is_empty()) {
                    items = its;
                }
            }
            if hall.is_none() {
                hall = halls.get(&x).copied();
            }
            if !items.is_empty() && hall.is_some() {
                break;
            }
            cur = parent_of(x);
        }
        let place = Place {
            unit: u,
            region,
            hall,
            items,
            section: if u.kind == "section" {
                Some(u.id)
            } else {
                first_section.get(&u.id).copied()
            },
            cats: &u.cats,
        };
        for (past, future, frac) in &quarters {
            if past.is_empty() {
                continue;
            }
            // 扎堆: in some units a quarter's walks fall on one day.
            let cluster = c.rng.chance(12).then(|| *c.rng.pick(past));
            for &ok in offs {
                let o = &m.officials[ok];
                let rate = p.rate
                    * match o.rank {
                        Rank::Head => 1.3,
                        Rank::Deputy => 1.1,
                        Rank::SectionChief => 1.0,
                        Rank::Staff => 0.85,
                    }
                    / 4.0
                    * frac;
                let mut n = rate.floor() as usize;
                if (c.rng.below(1000) as f64) < (rate - rate.floor()) * 1000.0 {
                    n += 1;
                }
                for _ in 0..n {
                    let date = match cluster {
                        Some(d) if c.rng.chance(60) => d,
                        _ => *c.rng.pick(past),
                    };
                    let partner = (offs.len() > 1 && c.rng.chance(12))
                        .then(|| offs[c.rng.below(offs.len())])
                        .filter(|&x| x != ok);
                    activity(
                        &mut c,
                        m,
                        &place,
                        o.id,
                        partner.map(|x| m.officials[x].id),
                        o.rank,
                        date,
                    )?;
                }
                // Plans published for the rest of the current quarter: a walk
                // in the policy's first way of walking.
                let walk_mode = p
                    .policy
                    .kind(ActivityKind::Walk)
                    .and_then(|r| r.modes.first().copied());
                if let (false, Some(mode)) = (future.is_empty(), walk_mode)
                    && o.rank == Rank::Head
                    && c.rng.chance(60)
                {
                    let date = *c.rng.pick(future);
                    plan(
                        &mut c,
                        m,
                        &place,
                        o.id,
                        date,
                        "published",
                        None,
                        "walk",
                        mode.code(),
                        None,
                    );
                }
            }
        }
    }
    c.out.tick(m.units.len());
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn plan(
    c: &mut Ctx,
    m: &Model,
    pl: &Place,
    official: i64,
    date: NaiveDate,
    status: &str,
    activity: Option<i64>,
    kind: &str,
    mode: &str,
    items: Option<&[i64]>,
) -> i64 {
    let id = c.next_plan;
    c.next_plan += 1;
    let slot = *c.rng.pick(&["am", "pm", "am", "day"]);
    let (place, window) = match kind {
        "window" => ("window", pl.hall.map(|h| h.0)),
        "enforce" => ("site", None),
        _ if mode == "self" && c.rng.chance(20) => ("online", None),
        _ => ("hall", pl.hall.map(|h| h.0)),
    };
    let published = ms(add(date, -(7 + c.rng.below(14) as i64)), 9, 0);
    let reason = (status == "cancelled").then(|| *c.rng.pick(text::CANCEL_REASONS));
    let day = c.day(date);
    c.out.put(PlanRow {
        id: Some(id),
        unit_id: pl.unit.id,
        unit_path: pl.unit.path.clone(),
        region_id: pl.region,
        kind: kind.into(),
        mode: Some(mode.into()),
        date: day,
        slot: slot.into(),
        place: place.into(),
        window_unit_id: window,
        status: status.into(),
        cancel_reason: reason.map(Into::into),
        published_at: Some(published),
        activity_id: activity,
        created_at: published - 86_400_000,
        updated_at: published,
        ..PlanRow::default()
    });
    c.out.put(PlanOfficialRow {
        plan_id: id,
        official_id: official,
    });
    match items {
        Some(its) => {
            for it in its {
                c.out.put(PlanItemRow {
                    plan_id: id,
                    item_id: *it,
                });
            }
        }
        None => {
            if !pl.items.is_empty() {
                let it = m.items[*c.rng.pick(pl.items)].id;
                c.out.put(PlanItemRow {
                    plan_id: id,
                    item_id: it,
                });
            }
        }
    }
    id
}

fn activity(
    c: &mut Ctx,
    m: &Model,
    pl: &Place,
    official: i64,
    partner: Option<i64>,
    rank: Rank,
    date: NaiveDate,
) -> anyhow::Result<()> {
    let today = c.p.today;
    let r = c.rng.below(100);
    let senior = matches!(rank, Rank::Head | Rank::Deputy);
    let policy = &c.p.policy;
    let has = |k: ActivityKind| policy.kind(k).is_some();
    let kind = if r < 14 && pl.cats.contains("enforcement") && has(ActivityKind::Enforce) {
        "enforce"
    } else if (14..26).contains(&r)
        && pl.cats.contains("complaints")
        && has(ActivityKind::Complaint)
    {
        "complaint"
    } else if (26..31).contains(&r) && senior && has(ActivityKind::Inspect) {
        "inspect"
    } else if (31..58).contains(&r) && pl.hall.is_some() && has(ActivityKind::Window) {
        "window"
    } else if has(ActivityKind::Walk) {
        "walk"
    } else {
        // A policy without 走流程: its first kind.
        match ActivityKind::ALL.iter().find(|k| has(**k)) {
            Some(k) => k.code(),
            None => return Ok(()),
        }
    };
    let akind = ActivityKind::parse(kind).unwrap_or(ActivityKind::Walk);
    let rule = policy.kind(akind);
    // Modes and channels as often as people use them, among those the policy allows.
    let modes: Vec<&str> = match kind {
        "walk" => vec![
            "self",
            "self",
            "self",
            "self",
            "proxy",
            "proxy",
            "accompany",
            "accompany",
            "accompany",
            "cross",
        ],
        "window" => vec!["window"],
        "inspect" => vec!["inspect"],
        "enforce" => vec!["enforcement-officer"],
        _ => vec!["hotline-handler"],
    };
    let modes: Vec<&str> = modes
        .into_iter()
        .filter(|m| rule.is_none_or(|r| Mode::parse(m).is_some_and(|m| r.modes.contains(&m))))
        .collect();
    let mode = match modes.as_slice() {
        [] => rule
            .and_then(|r| r.modes.first())
            .map_or(modes_fallback(kind), |m| m.code()),
        some => *c.rng.pick(some),
    };
    let channels: Vec<&str> = match kind {
        "walk" => vec![
            "window", "window", "window", "window", "window", "online", "online", "mobile",
            "kiosk", "hotline",
        ],
        "window" => vec!["window"],
        "inspect" => vec!["window", "online"],
        "enforce" => vec!["on-site"],
        _ => vec!["hotline", "hotline", "on-site"],
    };
    let channels: Vec<&str> = channels
        .into_iter()
        .filter(|ch| {
            rule.is_none_or(|r| {
                r.channels.is_empty()
                    || Channel::parse(ch).is_some_and(|ch| r.channels.contains(&ch))
            })
        })
        .collect();
    let channel = match channels.as_slice() {
        [] => rule
            .and_then(|r| r.channels.first())
            .map_or("window", |ch| ch.code()),
        some => *c.rng.pick(some),
    };
    let mut items: Vec<i64> = Vec::new();
    if !pl.items.is_empty() && kind != "enforce" {
        for _ in 0..1 + c.rng.below(3) {
            let it = m.items[*c.rng.pick(pl.items)].id;
            if !items.contains(&it) {
                items.push(it);
            }
        }
    }
    let item_name = |c: &mut Ctx| -> String {
        if pl.items.is_empty() {
            "政务服务事项".to_string()
        } else {
            m.items[*c.rng.pick(pl.items)].name.clone()
        }
    };
    let trigger = *c.rng.pick(
        &["regular"; 17]
            .iter()
            .chain(&["instant", "instant", "tracking"])
            .copied()
            .collect::<Vec<_>>(),
    );
    let aid = c.next_activity;
    c.next_activity += 1;
    let recent = (today - date).num_days() <= 10;
    let draft = recent && c.rng.chance(25);
    let planned = trigger == "regular" && c.rng.chance(90);
    let plan_id = planned.then(|| {
        let status = if draft { "published" } else { "done" };
        plan(
            c,
            m,
            pl,
            official,
            date,
            status,
            (!draft).then_some(aid),
            kind,
            mode,
            Some(&items),
        )
    });
    // Some plans are cancelled, some missed: the official did not go.
    if planned && c.rng.chance(3) {
        plan(
            c,
            m,
            pl,
            official,
            add(date, 7),
            "cancelled",
            None,
            kind,
            mode,
            None,
        );
    }
    if planned && c.rng.chance(4) && add(date, 14) < today {
        plan(
            c,
            m,
            pl,
            official,
            add(date, 14),
            "missed",
            None,
            kind,
            mode,
            None,
        );
    }
    let (started, ended) = match kind {
        "window" if c.rng.chance(50) => ("09:00", "17:30"),
        "window" => ("08:30", "12:00"),
        _ => *c.rng.pick(&[
            ("09:00", "11:30"),
            ("14:30", "17:30"),
            ("09:30", "12:00"),
            ("15:00", "17:00"),
        ]),
    };
    let (hall_name, hall_id) = pl.hall.map_or(("政务服务中心", None), |h| (h.1, Some(h.0)));
    let _ = hall_id;
    let place = match (kind, channel) {
        ("enforce", _) => "企业生产经营现场".to_string(),
        ("complaint", _) => "12345市民热线服务中心".to_string(),
        (_, "online") => "网上政务服务大厅".to_string(),
        (_, "mobile") => "政务服务移动端".to_string(),
        _ => hall_name.to_string(),
    };
    let first = item_name(c);
    let content = match kind {
        "walk" => {
            format!("以普通办事群众身份体验「{first}」，从咨询引导、材料提交到办理办结全流程走一遍")
        }
        "window" => format!("以窗口工作人员身份坐窗口，全程参与受理「{first}」等事项"),
        "inspect" => format!("以监督人员身份检验「{first}」办理情况，查验受理条件和程序"),
        "enforce" => "以一线执法人员身份参与执法检查、案件处理和案卷评查".to_string(),
        _ => "以12345热线处理人员身份体验工单转办派单、问题反馈和电话回访".to_string(),
    };
    let visitors = match kind {
        "window" => 15 + c.rng.below(60) as i64,
        "walk" => c.rng.below(4) as i64,
        "complaint" => 5 + c.rng.below(25) as i64,
        "inspect" => 2 + c.rng.below(8) as i64,
        _ => 0,
    };
    let checked = if matches!(kind, "walk" | "window") {
        2 + c.rng.below(2) as i64
    } else {
        0
    };
    let all_steps = c.p.steps.get(kind).cloned().unwrap_or_default();
    let steps = if draft {
        all_steps
            .iter()
            .take(all_steps.len() / 2)
            .cloned()
            .collect::<Vec<_>>()
            .join(",")
    } else {
        all_steps.join(",")
    };
    let due = add_workdays(date, 3);
    let (filed_on, late) = if draft {
        (None, false)
    } else if c.rng.chance(6) {
        let f = add(date, 5 + c.rng.below(6) as i64);
        (Some(f.min(add(today, -1)).max(date)), true)
    } else {
        (
            Some(
                add_workdays(date, c.rng.below(3) as u32)
                    .min(add(today, -1))
                    .max(date),
            ),
            false,
        )
    };
    let late = late && filed_on.is_some_and(|f| f > due);
    let created = ms(date, 18, 0);
    let updated = filed_on.map_or(created, |f| ms(f, 17, 0));
    let day = c.day(date);
    let filed = filed_on.map(|f| c.day(f));
    let filing_due = (!draft).then(|| c.day(due));
    let unannounced = c.rng.chance(40);
    let mut row = ActivityRow {
        id: Some(aid),
        unit_id: pl.unit.id,
        unit_path: pl.unit.path.clone(),
        region_id: pl.region,
        plan_id,
        kind: kind.into(),
        mode: mode.into(),
        channel: Some(channel.into()),
        trigger_kind: trigger.into(),
        unannounced,
        date: day,
        started: Some(started.into()),
        ended: Some(ended.into()),
        place: Some(place.clone()),
        content: Some(content.clone()),
        visitors,
        checked_items: checked,
        steps_done: steps.clone(),
        status: if draft {
            ActivityStatus::Draft
        } else {
            ActivityStatus::Filed
        }
        .code()
        .into(),
        filed_on: filed,
        filing_due,
        late,
        created_at: created,
        updated_at: updated,
        judged: Some(true),
        ..ActivityRow::default()
    };
    c.out.put(ActivityOfficialRow {
        activity_id: aid,
        official_id: official,
    });
    if let Some(pt) = partner {
        c.out.put(ActivityOfficialRow {
            activity_id: aid,
            official_id: pt,
        });
    }
    for it in &items {
        c.out.put(ActivityItemRow {
            activity_id: aid,
            item_id: *it,
        });
    }
    // 服务回访: as many valid callbacks as the step asks, to people served
    // within its look-back window.
    let callbacks = rule.and_then(|r| r.steps.iter().find_map(|s| s.callbacks.as_ref()));
    if let Some(cb) = callbacks.filter(|_| all_steps.iter().any(|s| s == "callback")) {
        let need = cb.min_valid as usize;
        let window = (i64::from(cb.lookback_months) * 28 - 6).max(6) as usize;
        let n = need + usize::from(c.rng.chance(30));
        for k in 0..n {
            let valid = k < need;
            let name = super::person_name(&mut c.rng);
            let phone = super::mobile(&mut c.rng);
            let served = add(date, -(5 + c.rng.below(window) as i64));
            let sat = if valid {
                *c.rng.pick(&["满意", "满意", "满意", "基本满意", "不满意"])
            } else {
                "未接通"
            };
            let remarks = if valid {
                *c.rng.pick(&text::REMARKS[..4])
            } else {
                text::REMARKS[4]
            };
            let served_on = c.day(served);
            let called_on = c.day(date);
            c.out.put(CallbackRow {
                activity_id: aid,
                name_enc: c.cipher.encrypt(&name)?,
                phone_enc: Some(c.cipher.encrypt(&phone)?),
                served_on: Some(served_on),
                called_on,
                valid,
                satisfaction: Some(sat.into()),
                remarks: Some(remarks.into()),
                created_at: created,
            });
        }
    }
    // 空走: some walks find nothing.
    let n = if c.rng.chance(12) {
        0
    } else {
        *c.rng.pick(&[1, 2, 2, 3, 3, 3, 4, 4, 5, 6])
    };
    // A walk writes each problem it found once.
    let mut found: Vec<String> = Vec::new();
    for _ in 0..n {
        let name = item_name(c);
        let item = items.first().copied();
        problem(c, pl, Some(aid), item, kind, date, &name, &mut found);
    }
    // Problems from other sources, without an activity.
    if c.rng.chance(8) {
        let name = item_name(c);
        problem(c, pl, None, None, "other", date, &name, &mut Vec::new());
    }
    let raises_need = c.rng.chance(22);
    if raises_need {
        need(c, pl, aid, date, &first);
    }
    // Counted as the findings count it (see `Store::rebuild_activity_facts`).
    row.found = found.len() as i64 + i64::from(raises_need);
    c.out.put(row);
    Ok(())
}

/// The mode of a kind when the policy names none.
fn modes_fallback(kind: &str) -> &'static str {
    ActivityKind::parse(kind).map_or("self", |k| k.modes()[0].code())
}

/// A timeline step: at, actor id, actor, action, from, to, note.
type Event<'a> = (
    i64,
    i64,
    String,
    &'a str,
    Option<&'a str>,
    &'a str,
    Option<String>,
);

fn need(c: &mut Ctx, pl: &Place, aid: i64, date: NaiveDate, item: &str) {
    let id = c.next_need;
    c.next_need += 1;
    let (by, content) = *c.rng.pick(text::NEEDS);
    let age = (c.p.today - date).num_days();
    let (status, response, closed) = if age < 20 && c.rng.chance(60) {
        ("open", None, None)
    } else {
        let (s, r) = *c.rng.pick(text::NEED_RESPONSES);
        let closed = matches!(s, "met" | "cannot-meet")
            .then(|| add(date, 5 + c.rng.below(35) as i64).min(add(c.p.today, -1)));
        (s, Some(r), closed)
    };
    let raised_on = c.day(date);
    let closed_on = closed.map(|x| c.day(x));
    let created = ms(date, 18, 5);
    c.out.put(NeedRow {
        version: Version::FIRST,
        id: Some(id),
        unit_id: pl.unit.id,
        unit_path: pl.unit.path.clone(),
        region_id: pl.region,
        activity_id: Some(aid),
        problem_id: None,
        raised_by: by.into(),
        content: text::fill(content, item),
        response: response.map(Into::into),
        status: status.into(),
        raised_on,
        closed_on,
        created_by: None,
        created_at: created,
        updated_at: closed.map_or(created, |x| ms(x, 16, 0)),
        import_key: None,
        judged: Some(true),
    });
}

#[allow(clippy::too_many_arguments)]
fn problem(
    c: &mut Ctx,
    pl: &Place,
    aid: Option<i64>,
    item: Option<i64>,
    kind: &str,
    date: NaiveDate,
    item_name: &str,
    found_here: &mut Vec<String>,
) {
    let today = c.p.today;
    let yesterday = add(today, -1);
    let id = c.next_problem;
    c.next_problem += 1;
    let found = if aid.is_some() {
        date
    } else {
        add(date, c.rng.below(20) as i64).min(yesterday)
    };
    let trivial = c.rng.chance(4);
    let pool: &[ProblemText] = if trivial {
        text::TRIVIAL
    } else {
        match kind {
            "enforce" => text::ENFORCEMENT,
            "complaint" => text::COMPLAINT,
            _ => text::SERVICE,
        }
    };
    let mut tx: &ProblemText = c.rng.pick(pool);
    for _ in 0..pool.len() {
        if !found_here.contains(&text::fill(tx.description, item_name)) {
            break;
        }
        tx = c.rng.pick(pool);
    }
    let description = text::fill(tx.description, item_name);
    if found_here.contains(&description) {
        // Every problem of the pool was found on this walk already.
        return;
    }
    found_here.push(description.clone());
    let source = match kind {
        "walk" => *c.rng.pick(&[
            "walk",
            "walk",
            "walk",
            "walk",
            "walk",
            "public",
            "public",
            "self-check",
            "self-check",
            "staff",
        ]),
        "window" => *c.rng.pick(&["public", "public", "staff", "self-check"]),
        "inspect" => "self-check",
        "enforce" => "walk",
        "complaint" => "hotline",
        _ => *c.rng.pick(&[
            "hotline",
            "hotline",
            "rating",
            "petition",
            "opinion",
            "inspection",
            "audit",
        ]),
    };
    let disposition = {
        let r = c.rng.below(100);
        let wanted = if trivial || r < 30 {
            Disposition::Immediate
        } else if r < 92 {
            Disposition::Deadline
        } else {
            Disposition::Escalate
        };
        let allowed = &c.p.policy.rectification.dispositions;
        if allowed.contains(&wanted) || allowed.is_empty() {
            wanted.code()
        } else if allowed.contains(&Disposition::Deadline) {
            "deadline"
        } else {
            allowed[0].code()
        }
    };
    let mut deadline = match disposition {
        "immediate" => add(found, c.rng.below(3) as i64),
        "deadline" => add(found, 10 + c.rng.below(36) as i64),
        _ => add(found, 60 + c.rng.below(61) as i64),
    };
    let escalated = (disposition == "escalate").then(|| *c.rng.pick(text::ESCALATE_TO));
    // When it would be closed, and whether it sticks (逾期).
    let close_day = match disposition {
        "immediate" => add(found, c.rng.below(4) as i64),
        "deadline" => add(
            found,
            5 + c.rng.below(((deadline - found).num_days() + 12) as usize) as i64,
        ),
        _ => add(found, 30 + c.rng.below(120) as i64),
    };
    let stuck = c.rng.chance(10);
    let age = (today - found).num_days();
    let mut status = if !stuck && close_day <= yesterday {
        "closed"
    } else if age < 2 {
        "pending"
    } else if !stuck && (close_day - today).num_days() < 5 {
        "awaiting-verification"
    } else if c.rng.chance(25) {
        "pending"
    } else {
        "in-progress"
    };
    if disposition == "immediate" && status == "in-progress" {
        status = "awaiting-verification";
    }
    // Statuses the policy's life cycle leaves out are skipped, as its forms do.
    let statuses = &c.p.policy.rectification.statuses;
    let uses = |s: &str| ProblemStatus::parse(s).is_some_and(|s| statuses.contains(&s));
    if status == "awaiting-verification" && !uses(status) {
        status = if close_day <= yesterday {
            "closed"
        } else {
            "in-progress"
        };
    }
    if status == "in-progress" && !uses(status) {
        status = "pending";
    }
    let (h_id, h_name) = (c.p.handler.0, c.p.handler.1.clone());
    let (v_id, v_name) = (c.p.verifier.0, c.p.verifier.1.clone());
    let mut events: Vec<Event> = Vec::new();
    let base = ms(found, 10 + c.rng.below(7) as u32, c.rng.below(60) as u32);
    events.push((base, h_id, h_name.clone(), "create", None, "pending", None));
    let started = status != "pending" && disposition != "immediate";
    if started {
        let at = ms(add(found, 1).min(yesterday).max(found), 9, 30).max(base + 60_000);
        events.push((
            at,
            h_id,
            h_name.clone(),
            "start",
            Some("pending"),
            "in-progress",
            None,
        ));
    }
    let submitted = matches!(status, "awaiting-verification" | "closed");
    // 敷衍: some rectifications pass the close form with words that name no
    // concrete change; most name one. Every text the demo closes with is
    // one the form accepts.
    let concrete = {
        let m = *c.rng.pick(tx.measures);
        let e = *c.rng.pick(tx.effects);
        (
            text::fill_drawn(m, item_name, &mut c.rng),
            text::fill_drawn(e, item_name, &mut c.rng),
        )
    };
    let (measures, effect) = if !trivial && c.rng.chance(8) {
        let (m, e) = *c.rng.pick(text::VAGUE);
        let passes = check_rectification_texts(&c.p.policy, Some(m), Some(e)).is_ok();
        if passes {
            (m.to_string(), e.to_string())
        } else {
            concrete
        }
    } else {
        concrete
    };
    let mut closed_on = None;
    let mut review_due = None;
    let mut reviewed_on = None;
    let mut reopen = 0;
    if submitted {
        let sub_day = if status == "closed" {
            close_day
        } else {
            yesterday.min(close_day).max(found)
        };
        let from = if started { "in-progress" } else { "pending" };
        let at = ms(sub_day, 15, 0).max(events.last().map_or(0, |e| e.0) + 60_000);
        events.push((
            at,
            h_id,
            h_name.clone(),
            "submit",
            Some(from),
            "awaiting-verification",
            Some("佐证材料：整改前后对比照片".into()),
        ));
        if status == "closed" && started && c.rng.chance(5) {
            events.push((
                at + 3_600_000,
                v_id,
                v_name.clone(),
                "reject",
                Some("awaiting-verification"),
                "in-progress",
                Some(c.rng.pick(text::REJECT_REASONS).to_string()),
            ));
            events.push((
                at + 7_200_000,
                h_id,
                h_name.clone(),
                "submit",
                Some("in-progress"),
                "awaiting-verification",
                None,
            ));
        }
    }
    if status == "closed" {
        let at = ms(close_day, 17, 0).max(events.last().map_or(0, |e| e.0) + 60_000);
        events.push((
            at,
            v_id,
            v_name.clone(),
            "verify",
            Some("awaiting-verification"),
            "closed",
            None,
        ));
        closed_on = Some(close_day);
        let due = add(close_day, c.p.review_days);
        review_due = Some(due);
        if due < today && c.rng.chance(70) {
            let rv = add(due, c.rng.below(5) as i64).min(yesterday);
            reviewed_on = Some(rv);
            review_due = None;
            let at = ms(rv, 10, 0).max(at + 60_000);
            if c.rng.chance(7) {
                // 反弹
                let note = c.rng.pick(text::REOPEN_NOTES).to_string();
                events.push((
                    at,
                    v_id,
                    v_name.clone(),
                    "review",
                    Some("closed"),
                    "in-progress",
                    Some(note),
                ));
                status = "in-progress";
                reopen = 1;
                closed_on = None;
                deadline = add(rv, 20);
            } else {
                events.push((
                    at,
                    v_id,
                    v_name.clone(),
                    "review",
                    Some("closed"),
                    "closed",
                    Some("回头看：整改成效巩固，未发现反弹".into()),
                ));
            }
        }
    }
    let has_fix = submitted || reopen > 0;
    let found_on = c.day(found);
    let deadline_on = c.day(deadline);
    let closed = closed_on.map(|x| c.day(x));
    let review_on = review_due.map(|x| c.day(x));
    let reviewed = reviewed_on.map(|x| c.day(x));
    let other = if c.rng.chance(5) {
        pl.hall.map_or(String::new(), |h| h.0.to_string())
    } else {
        String::new()
    };
    let last_at = events.last().map_or(base, |e| e.0);
    let (written_measures, written_effect) = (
        has_fix.then(|| measures.clone()),
        has_fix.then(|| effect.clone()),
    );
    // Judged as the findings would judge it (the import does the same), so
    // that the first report after the load has no problem left to judge.
    let (shallow, perfunctory) = zlc_store::findings::judge_texts(
        &c.p.policy,
        &description,
        written_measures.as_deref(),
        written_effect.as_deref(),
        status,
    );
    let closure_month = closed
        .as_deref()
        .and_then(|d| d.get(..7))
        .map(str::to_string);
    let urgent = c.rng.chance(8);
    let evidence_count = if has_fix {
        1 + c.rng.below(4) as i64
    } else {
        0
    };
    c.out.put(ProblemRow {
        id: Some(id),
        unit_id: pl.unit.id,
        unit_path: pl.unit.path.clone(),
        region_id: pl.region,
        section_id: pl.section,
        activity_id: aid,
        item_id: item,
        source: source.into(),
        category: tx.category.into(),
        description: description.clone(),
        cause: Some(text::fill(tx.cause, item_name)),
        urgent,
        other_units: other,
        disposition: disposition.into(),
        deadline: Some(deadline_on),
        escalated_to: escalated.map(Into::into),
        status: status.into(),
        handler_id: (started || submitted).then_some(h_id),
        measures: written_measures,
        effect: written_effect,
        evidence_count,
        verifier_id: (status == "closed").then_some(v_id),
        found_on,
        closed_on: closed,
        review_due: review_on,
        reviewed_on: reviewed,
        reopen_count: reopen,
        // Each step of the timeline moved the version on.
        version: Version(events.len() as i64),
        created_by: None,
        created_at: base,
        updated_at: last_at,
        import_key: None,
        shallow,
        perfunctory,
        judged: Some(true),
        closure_month,
    });
    for (at, actor_id, actor, action, from, to, note) in events {
        c.out.put(ProblemEventRow {
            problem_id: id,
            at,
            actor_id: Some(actor_id),
            actor,
            action: action.into(),
            from_status: from.map(Into::into),
            to_status: to.into(),
            note,
        });
    }
    if has_fix && !trivial && c.rng.chance(20) {
        let mstatus = if status == "closed" {
            "done"
        } else {
            "in-progress"
        };
        let deadline = c.day(deadline);
        let done_on = closed_on.map(|x| c.day(x));
        let measure_id = c.next_measure;
        c.next_measure += 1;
        c.out.put(MeasureRow {
            version: Version::FIRST,
            id: Some(measure_id),
            unit_id: pl.unit.id,
            unit_path: pl.unit.path.clone(),
            region_id: pl.region,
            problem_id: Some(id),
            need_id: None,
            activity_id: aid,
            content: measures.clone(),
            deadline: Some(deadline),
            done_on,
            effect: (status == "closed").then(|| effect.clone()),
            status: mstatus.into(),
            created_by: None,
            created_at: base,
            updated_at: last_at,
            import_key: None,
        });
    }
}
