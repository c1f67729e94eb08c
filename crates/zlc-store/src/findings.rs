//! 研判要素 what the findings of a period are judged on (migration 0013),
//! kept so that judging a nation's quarter reads a small part of it.
//!
//! A record is judged with its unit, or, for a section or a hall, with the
//! unit above it (the judged unit). Three kinds of fact are kept:
//!
//! - per judged unit and day, the distinct officials who took part and the
//!   activities they took part in (`finding_days`), so that a period's
//!   possible clusters are the few days where enough officials took part;
//! - per judged unit and period, its walks counted by way (`finding_modes`);
//! - on each record: the problems and needs an activity recorded
//!   (`activities.found`, for 空走), and what the policy's rules say of a
//!   problem's texts (`problems.shallow`, `problems.perfunctory`).
//!
//! They are refreshed lazily: a write only clears the record's `judged`
//! mark (new records start without it), and [`Store::catch_up_findings`],
//! run before findings are read, counts again what changed since. When the
//! policy's text rules change, every problem is judged again. After a bulk
//! load, or when much has changed, everything is rebuilt day by day.

use crate::db::Tx;
use crate::registry::Unit;
use crate::reports::Window;
use crate::{Arg, Result, Scope, Store, args, now_ms};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use zlc_domain::findings::{
    ActivityFact, Facts, FlaggedProblem, JudgedUnit, ModeCounts, RECORDS_LISTED, Tally,
    busy_day_threshold, count_mode, zh_date,
};
use zlc_domain::kinds::{ActivityKind, Channel, Mode};
use zlc_domain::period::{Period, PeriodKind};
use zlc_domain::policy::Policy;
use zlc_domain::report::{RecordRef, Review};

/// Unit kinds whose records are judged with the unit above them.
const LIFTED_KINDS: [&str; 2] = ["section", "hall"];

/// The SQL condition "a unit judged as `$n`": the unit itself and the
/// sections and halls directly below it.
fn judged_as(column: &str, n: usize) -> String {
    format!(
        "{column} IN (SELECT id FROM units WHERE id = ${n} OR (parent_id = ${n} AND kind IN ('section', 'hall')))"
    )
}

/// The judged unit of a unit of `kind` with `parent`.
fn judged_id(id: i64, kind: &str, parent: Option<i64>) -> i64 {
    match parent {
        Some(p) if LIFTED_KINDS.contains(&kind) => p,
        _ => id,
    }
}

/// Above this many activities to count again, the facts are rebuilt whole.
const REBUILD_ABOVE: i64 = 20_000;
/// Records judged per transaction while catching up.
const BATCH: i64 = 2_000;

/// A filed activity as the facts count it.
#[derive(Debug, Clone, sqlx::FromRow)]
struct ActRow {
    id: i64,
    unit_id: i64,
    kind: String,
    mode: String,
    channel: Option<String>,
    unannounced: bool,
    place: Option<String>,
    date: String,
    unit_kind: String,
    parent_id: Option<i64>,
}

const ACT_COLS: &str = "a.id, a.unit_id, a.kind, a.mode, a.channel, a.unannounced, a.place, a.date, u.kind AS unit_kind, u.parent_id";

/// `$1, $2, …` for `n` arguments starting after `from`.
fn marks(from: usize, n: usize) -> String {
    (from + 1..=from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The activity officials of `ids`, by activity.
async fn officials_of(tx: &mut Tx, ids: &[i64]) -> Result<HashMap<i64, Vec<i64>>> {
    let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
    for chunk in ids.chunks(500) {
        let a: Vec<Arg> = chunk.iter().map(|i| Arg::from(*i)).collect();
        let rows: Vec<(i64, i64)> = tx
            .fetch_all(
                &format!(
                    "SELECT activity_id, official_id FROM activity_officials WHERE activity_id IN ({}) ORDER BY official_id",
                    marks(0, chunk.len())
                ),
                a,
            )
            .await?;
        for (act, o) in rows {
            out.entry(act).or_default().push(o);
        }
    }
    Ok(out)
}

/// The rows of `finding_days` for one judged unit and day, from its activities.
fn day_rows(acts: &[&ActRow], officials: &HashMap<i64, Vec<i64>>) -> Vec<(String, i64, String)> {
    let mut per_place: BTreeMap<String, (BTreeSet<i64>, Vec<String>)> = BTreeMap::new();
    for a in acts {
        let who = officials.get(&a.id).cloned().unwrap_or_default();
        let entry = format!(
            "{}:{}:{}",
            a.id,
            a.kind,
            who.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
        );
        let mut places = vec![String::new()];
        if let Some(p) = a.place.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            places.push(p.to_string());
        }
        for p in places {
            let e = per_place.entry(p).or_default();
            e.0.extend(who.iter().copied());
            e.1.push(entry.clone());
        }
    }
    per_place
        .into_iter()
        .map(|(place, (who, entries))| (place, who.len() as i64, entries.join(";")))
        .collect()
}

/// Reads a `finding_days.detail`: (activity, kind, officials).
fn parse_detail(detail: &str) -> Vec<(i64, String, Vec<i64>)> {
    detail
        .split(';')
        .filter_map(|e| {
            let mut parts = e.splitn(3, ':');
            let id = parts.next()?.parse().ok()?;
            let kind = parts.next()?.to_string();
            let who = parts
                .next()
                .unwrap_or("")
                .split(',')
                .filter_map(|o| o.parse().ok())
                .collect();
            Some((id, kind, who))
        })
        .collect()
}

/// Writes the day rows of judged unit `unit` (at `path`) on `day`, replacing what was there.
async fn put_days(
    tx: &mut Tx,
    unit: i64,
    path: &str,
    day: &str,
    rows: &[(String, i64, String)],
) -> Result<()> {
    tx.execute(
        "DELETE FROM finding_days WHERE unit_id = $1 AND day = $2",
        args![unit, day],
    )
    .await?;
    for (place, officials, detail) in rows {
        tx.execute(
            "INSERT INTO finding_days (unit_id, unit_path, day, place, officials, detail) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (unit_id, day, place) DO UPDATE SET unit_path = excluded.unit_path, officials = excluded.officials, detail = excluded.detail",
            args![unit, path, day, place, *officials, detail],
        )
        .await?;
    }
    Ok(())
}

async fn put_modes(tx: &mut Tx, period: &str, path: &str, m: &ModeCounts) -> Result<()> {
    if m.walks == 0 {
        tx.execute(
            "DELETE FROM finding_modes WHERE period = $1 AND unit_id = $2",
            args![period, m.unit],
        )
        .await?;
        return Ok(());
    }
    tx.execute(
        "INSERT INTO finding_modes (period, unit_id, unit_path, walks, online, cross_mode, citizen, unannounced) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (period, unit_id) DO UPDATE SET unit_path = excluded.unit_path, walks = excluded.walks, online = excluded.online, \
         cross_mode = excluded.cross_mode, citizen = excluded.citizen, unannounced = excluded.unannounced",
        args![period, m.unit, path, m.walks, m.online, m.cross, m.citizen, m.unannounced],
    )
    .await?;
    Ok(())
}

fn period_keys(date: NaiveDate) -> [Period; 4] {
    [
        PeriodKind::Month,
        PeriodKind::Quarter,
        PeriodKind::Half,
        PeriodKind::Year,
    ]
    .map(|k| Period::of(k, date))
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// The paths of `ids`.
async fn paths_of(tx: &mut Tx, ids: &BTreeSet<i64>) -> Result<HashMap<i64, String>> {
    let ids: Vec<i64> = ids.iter().copied().collect();
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        let a: Vec<Arg> = chunk.iter().map(|i| Arg::from(*i)).collect();
        let rows: Vec<(i64, String)> = tx
            .fetch_all(
                &format!(
                    "SELECT id, path FROM units WHERE id IN ({})",
                    marks(0, chunk.len())
                ),
                a,
            )
            .await?;
        out.extend(rows);
    }
    Ok(out)
}

/// Marks activities to be counted again (a problem or need recorded on them changed).
async fn mark_activities(tx: &mut Tx, ids: &BTreeSet<i64>) -> Result<()> {
    let ids: Vec<i64> = ids.iter().copied().collect();
    for chunk in ids.chunks(500) {
        let a: Vec<Arg> = chunk.iter().map(|i| Arg::from(*i)).collect();
        tx.execute(
            &format!(
                "UPDATE activities SET judged = NULL WHERE id IN ({})",
                marks(0, chunk.len())
            ),
            a,
        )
        .await?;
    }
    Ok(())
}

/// A moment (ms since the epoch) as local date and time.
fn at_text(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

/// A fingerprint of the rules that judge a problem's texts: when it changes,
/// every problem is judged again.
fn text_rules_fingerprint(policy: &Policy) -> String {
    let f = &policy.formalism;
    let text = serde_json::json!([f.shallow_problems, f.perfunctory_rectification]).to_string();
    let mut h = crate::crypto::sm3_hex(text.as_bytes());
    h.truncate(16);
    h
}

impl Store {
    /// Brings the finding facts up to date: judges the problems not judged
    /// under the policy's current text rules, and counts again the activities
    /// that changed since they were last counted.
    pub async fn catch_up_findings(&self, policy: &Policy) -> Result<()> {
        let _one = self.findings_lock.lock().await;
        self.judge_problems(policy).await?;
        let pending: i64 = self
            .db
            .scalar(
                "SELECT COUNT(*) FROM activities WHERE judged IS NULL AND status = 'filed'",
                vec![],
            )
            .await?
            .unwrap_or(0);
        if pending > REBUILD_ABOVE {
            return self.rebuild_activity_facts().await;
        }
        loop {
            let mut tx = self.db.begin().await?;
            let ids: Vec<(i64,)> = tx
                .fetch_all(
                    "SELECT id FROM activities WHERE judged IS NULL AND status = 'filed' ORDER BY id LIMIT $1",
                    args![BATCH],
                )
                .await?;
            if ids.is_empty() {
                tx.commit().await?;
                return Ok(());
            }
            let ids: Vec<i64> = ids.into_iter().map(|(i,)| i).collect();
            self.recount_activities(&mut tx, &ids).await?;
            tx.commit().await?;
        }
    }

    /// Counts again the facts of the activities `ids` (filed): their
    /// problems and needs, and the days and periods of their judged units.
    async fn recount_activities(&self, tx: &mut Tx, ids: &[i64]) -> Result<()> {
        let mut rows: Vec<ActRow> = Vec::new();
        for chunk in ids.chunks(500) {
            let a: Vec<Arg> = chunk.iter().map(|i| Arg::from(*i)).collect();
            let list = marks(0, chunk.len());
            let mut set = a.clone();
            set.insert(0, Arg::from(true));
            tx.execute(
                &format!(
                    "UPDATE activities SET found = (SELECT COUNT(*) FROM problems p WHERE p.activity_id = activities.id) \
                     + (SELECT COUNT(*) FROM needs n WHERE n.activity_id = activities.id), judged = $1 WHERE id IN ({})",
                    marks(1, chunk.len())
                ),
                set,
            )
            .await?;
            rows.extend(
                tx.fetch_all::<ActRow>(
                    &format!(
                        "SELECT {ACT_COLS} FROM activities a JOIN units u ON u.id = a.unit_id WHERE a.id IN ({list})"
                    ),
                    a,
                )
                .await?,
            );
        }
        let mut days: BTreeSet<(i64, String)> = BTreeSet::new();
        let mut periods: BTreeSet<(i64, Period)> = BTreeSet::new();
        for r in &rows {
            let j = judged_id(r.unit_id, &r.unit_kind, r.parent_id);
            days.insert((j, r.date.clone()));
            if r.kind == ActivityKind::Walk.code()
                && let Some(d) = parse_date(&r.date)
            {
                for p in period_keys(d) {
                    periods.insert((j, p));
                }
            }
        }
        let units: BTreeSet<i64> = days.iter().map(|(j, _)| *j).collect();
        let paths = paths_of(tx, &units).await?;
        for (j, day) in days {
            let acts: Vec<ActRow> = tx
                .fetch_all(
                    &format!(
                        "SELECT {ACT_COLS} FROM activities a JOIN units u ON u.id = a.unit_id \
                         WHERE a.status = 'filed' AND a.date = $1 AND {} ORDER BY a.id",
                        judged_as("a.unit_id", 2)
                    ),
                    args![&day, j],
                )
                .await?;
            let act_ids: Vec<i64> = acts.iter().map(|a| a.id).collect();
            let who = officials_of(tx, &act_ids).await?;
            let refs: Vec<&ActRow> = acts.iter().collect();
            let path = paths.get(&j).cloned().unwrap_or_default();
            put_days(tx, j, &path, &day, &day_rows(&refs, &who)).await?;
        }
        for (j, p) in periods {
            let walks: Vec<(String, Option<String>, bool)> = tx
                .fetch_all(
                    &format!(
                        "SELECT a.mode, a.channel, a.unannounced FROM activities a WHERE a.status = 'filed' AND a.kind = 'walk' \
                         AND a.date >= $1 AND a.date <= $2 AND {}",
                        judged_as("a.unit_id", 3)
                    ),
                    args![p.start().to_string(), p.end().to_string(), j],
                )
                .await?;
            let mut m = ModeCounts {
                unit: j,
                ..ModeCounts::default()
            };
            for (mode, channel, unannounced) in walks {
                count_mode(
                    &mut m,
                    Mode::parse(&mode),
                    channel.as_deref().and_then(Channel::parse),
                    unannounced,
                );
            }
            let path = paths.get(&j).cloned().unwrap_or_default();
            put_modes(tx, &p.to_string(), &path, &m).await?;
        }
        Ok(())
    }

    /// Rebuilds the activity facts whole, one day of activities at a time
    /// (after a bulk load, or when much changed).
    pub async fn rebuild_activity_facts(&self) -> Result<()> {
        let mut tx = self.db.begin().await?;
        tx.execute("DELETE FROM finding_days", vec![]).await?;
        tx.execute("DELETE FROM finding_modes", vec![]).await?;
        tx.execute(
            "UPDATE activities SET found = (SELECT COUNT(*) FROM problems p WHERE p.activity_id = activities.id) \
             + (SELECT COUNT(*) FROM needs n WHERE n.activity_id = activities.id), judged = $1",
            args![true],
        )
        .await?;
        let days: Vec<(String,)> = tx
            .fetch_all(
                "SELECT DISTINCT date FROM activities WHERE status = 'filed' ORDER BY date",
                vec![],
            )
            .await?;
        let units: Vec<(i64, String)> = tx.fetch_all("SELECT id, path FROM units", vec![]).await?;
        let paths: HashMap<i64, String> = units.into_iter().collect();
        let mut modes: HashMap<(i64, Period), ModeCounts> = HashMap::new();
        for (day,) in days {
            let acts: Vec<ActRow> = tx
                .fetch_all(
                    &format!(
                        "SELECT {ACT_COLS} FROM activities a JOIN units u ON u.id = a.unit_id WHERE a.status = 'filed' AND a.date = $1 ORDER BY a.id"
                    ),
                    args![&day],
                )
                .await?;
            let ids: Vec<i64> = acts.iter().map(|a| a.id).collect();
            let who = officials_of(&mut tx, &ids).await?;
            let mut by_unit: BTreeMap<i64, Vec<&ActRow>> = BTreeMap::new();
            for a in &acts {
                let j = judged_id(a.unit_id, &a.unit_kind, a.parent_id);
                by_unit.entry(j).or_default().push(a);
                if a.kind == ActivityKind::Walk.code()
                    && let Some(d) = parse_date(&a.date)
                {
                    for p in period_keys(d) {
                        let m = modes.entry((j, p)).or_insert(ModeCounts {
                            unit: j,
                            ..ModeCounts::default()
                        });
                        count_mode(
                            m,
                            Mode::parse(&a.mode),
                            a.channel.as_deref().and_then(Channel::parse),
                            a.unannounced,
                        );
                    }
                }
            }
            for (j, list) in by_unit {
                let path = paths.get(&j).map(String::as_str).unwrap_or("");
                for (place, officials, detail) in day_rows(&list, &who) {
                    tx.execute(
                        "INSERT INTO finding_days (unit_id, unit_path, day, place, officials, detail) VALUES ($1, $2, $3, $4, $5, $6)",
                        args![j, path, &day, place, officials, detail],
                    )
                    .await?;
                }
            }
        }
        for ((j, p), m) in modes {
            let path = paths.get(&j).map(String::as_str).unwrap_or("");
            put_modes(&mut tx, &p.to_string(), path, &m).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Judges every problem not judged under the policy's current text rules:
    /// the trivial keyword of its description, and, once closed, whether its
    /// rectification reads empty. On the way, each changed problem's closing
    /// month is counted in `stats_closure` (整改率), and the activity it was
    /// found on is marked to be counted again; so is a changed need's.
    async fn judge_problems(&self, policy: &Policy) -> Result<()> {
        let fp = text_rules_fingerprint(policy);
        if self.setting("judged_under").await?.as_deref() != Some(fp.as_str()) {
            let mut tx = self.db.begin().await?;
            tx.execute(
                "UPDATE problems SET judged = NULL WHERE judged IS NOT NULL",
                vec![],
            )
            .await?;
            self.set_setting(&mut tx, "judged_under", &fp).await?;
            tx.commit().await?;
        }
        let f = &policy.formalism;
        type Row = (
            i64,
            String,
            String,
            Option<String>,
            Option<String>,
            String,
            String,
            Option<String>,
            Option<String>,
            Option<i64>,
        );
        loop {
            let mut tx = self.db.begin().await?;
            let rows: Vec<Row> = tx
                .fetch_all(
                    "SELECT id, unit_path, description, measures, effect, status, found_on, closed_on, closure_month, activity_id \
                     FROM problems WHERE judged IS NULL ORDER BY id LIMIT $1",
                    args![BATCH],
                )
                .await?;
            if rows.is_empty() {
                tx.commit().await?;
                break;
            }
            let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
            for chunk in ids.chunks(500) {
                let mut a: Vec<Arg> = vec![Arg::from(true)];
                a.extend(chunk.iter().map(|i| Arg::from(*i)));
                tx.execute(
                    &format!(
                        "UPDATE problems SET judged = $1, shallow = NULL, perfunctory = NULL WHERE id IN ({})",
                        marks(1, chunk.len())
                    ),
                    a,
                )
                .await?;
            }
            let mut closures: BTreeMap<(String, String, String), i64> = BTreeMap::new();
            let mut activities: BTreeSet<i64> = BTreeSet::new();
            for (
                id,
                path,
                description,
                measures,
                effect,
                status,
                found_on,
                closed_on,
                counted,
                activity,
            ) in rows
            {
                activities.extend(activity);
                let month = |d: &str| d.get(..7).unwrap_or(d).to_string();
                let closed = closed_on.as_deref().map(month);
                if closed != counted {
                    let found = month(&found_on);
                    if let Some(old) = counted {
                        *closures
                            .entry((path.clone(), found.clone(), old))
                            .or_default() -= 1;
                    }
                    if let Some(new) = &closed {
                        *closures
                            .entry((path.clone(), found, new.clone()))
                            .or_default() += 1;
                    }
                    tx.execute(
                        "UPDATE problems SET closure_month = $1 WHERE id = $2",
                        args![closed, id],
                    )
                    .await?;
                }
                let shallow = f
                    .shallow_problems
                    .matched_keyword(&description)
                    .map(str::to_string);
                let perfunctory = if status == "closed" {
                    f.perfunctory_rectification
                        .judge(
                            &description,
                            measures.as_deref().unwrap_or(""),
                            effect.as_deref().unwrap_or(""),
                        )
                        .map(|p| p.reason)
                } else {
                    None
                };
                if shallow.is_some() || perfunctory.is_some() {
                    tx.execute(
                        "UPDATE problems SET shallow = $1, perfunctory = $2 WHERE id = $3",
                        args![shallow, perfunctory, id],
                    )
                    .await?;
                }
            }
            crate::stats::add_closures(&mut tx, closures).await?;
            mark_activities(&mut tx, &activities).await?;
            tx.commit().await?;
        }
        // Needs: only the activity they were recorded on is counted again.
        loop {
            let mut tx = self.db.begin().await?;
            let rows: Vec<(i64, Option<i64>)> = tx
                .fetch_all(
                    "SELECT id, activity_id FROM needs WHERE judged IS NULL ORDER BY id LIMIT $1",
                    args![BATCH],
                )
                .await?;
            if rows.is_empty() {
                tx.commit().await?;
                return Ok(());
            }
            let activities: BTreeSet<i64> = rows.iter().filter_map(|r| r.1).collect();
            let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
            for chunk in ids.chunks(500) {
                let mut a: Vec<Arg> = vec![Arg::from(true)];
                a.extend(chunk.iter().map(|i| Arg::from(*i)));
                tx.execute(
                    &format!(
                        "UPDATE needs SET judged = $1 WHERE id IN ({})",
                        marks(1, chunk.len())
                    ),
                    a,
                )
                .await?;
            }
            mark_activities(&mut tx, &activities).await?;
            tx.commit().await?;
        }
    }

    /// The units whose records are judged with `id`'s records changed (it
    /// moved or became another kind): their facts are counted again.
    pub(crate) async fn invalidate_judged(tx: &mut Tx, units: &[i64]) -> Result<()> {
        for u in units {
            tx.execute("DELETE FROM finding_days WHERE unit_id = $1", args![*u])
                .await?;
            tx.execute("DELETE FROM finding_modes WHERE unit_id = $1", args![*u])
                .await?;
            tx.execute(
                &format!(
                    "UPDATE activities SET judged = NULL WHERE {}",
                    judged_as("unit_id", 1)
                ),
                args![*u],
            )
            .await?;
        }
        Ok(())
    }

    /// The facts the findings of `region`'s subtree over the window are
    /// judged on; `children` are the units directly below the region.
    pub async fn finding_facts(
        &self,
        policy: &Policy,
        region: &Unit,
        children: &[Unit],
        w: &Window,
    ) -> Result<Facts> {
        self.catch_up_findings(policy).await?;
        let (from, to) = (w.period.start().to_string(), w.period.end().to_string());
        let scope = Scope::subtree(region.path.clone());
        let f = &policy.formalism;
        let mut facts = Facts::default();
        // Units named by the facts, to resolve to judged units at the end.
        let mut named: HashSet<i64> = HashSet::new();

        // 时间扎堆: the days where enough officials of a judged unit took part.
        let mut busy: Vec<(i64, String, String, String)> = Vec::new();
        if f.clustered_dates.enabled && f.clustered_dates.min_officials >= 2 {
            let k = busy_day_threshold(
                f.clustered_dates.min_officials,
                f.clustered_dates.within_days + 1,
            );
            let mut a = args![&from, &to];
            let cond = scope.condition("unit_path", &mut a);
            // The literal lets SQLite use the partial index of busy days.
            let busy_cond = if k >= 2 {
                format!("officials >= 2 AND officials >= {k}")
            } else {
                "officials >= 1".into()
            };
            let candidates: Vec<(i64,)> = self
                .db
                .fetch_all(
                    &format!(
                        "SELECT DISTINCT unit_id FROM finding_days WHERE {busy_cond} AND place = '' AND day >= $1 AND day <= $2 AND {cond}"
                    ),
                    a,
                )
                .await?;
            let candidates: Vec<i64> = candidates.into_iter().map(|(u,)| u).collect();
            for chunk in candidates.chunks(400) {
                let mut a = args![&from, &to];
                a.extend(chunk.iter().map(|u| Arg::from(*u)));
                let rows: Vec<(i64, String, String, String)> = self
                    .db
                    .fetch_all(
                        &format!(
                            "SELECT unit_id, day, place, detail FROM finding_days WHERE unit_id IN ({}) AND day >= $1 AND day <= $2 ORDER BY unit_id, day",
                            marks(2, chunk.len())
                        ),
                        a,
                    )
                    .await?;
                busy.extend(rows);
            }
            if f.clustered_dates.same_window_min_officials >= 2 {
                let mut a = args![&from, &to];
                let cond = scope.condition("unit_path", &mut a);
                let rows: Vec<(i64, String, String, String)> = self
                    .db
                    .fetch_all(
                        &format!(
                            "SELECT unit_id, day, place, detail FROM finding_days WHERE officials >= 2 AND officials >= {} \
                             AND place <> '' AND day >= $1 AND day <= $2 AND {cond}",
                            f.clustered_dates.same_window_min_officials
                        ),
                        a,
                    )
                    .await?;
                busy.extend(rows);
            }
        }
        // (activity, judged unit, date, kind, officials) and its place.
        let mut busy_acts: BTreeMap<i64, (i64, String, String, Vec<i64>)> = BTreeMap::new();
        let mut places: HashMap<i64, String> = HashMap::new();
        for (unit, day, place, detail) in &busy {
            named.insert(*unit);
            for (id, kind, who) in parse_detail(detail) {
                busy_acts
                    .entry(id)
                    .or_insert((*unit, day.clone(), kind, who));
                if !place.is_empty() {
                    places.insert(id, place.clone());
                }
            }
        }

        // 空走 and 报备超时: filed activities that found nothing, or were filed late.
        let mut lists: Vec<Vec<(i64, i64, String, String)>> = Vec::new();
        for (enabled, filter) in [
            (
                f.empty_walks.enabled && f.empty_walks.min_per_official > 0,
                "a.found = 0 AND a.status = 'filed'",
            ),
            (true, "a.late = TRUE AND a.status = 'filed'"),
        ] {
            if !enabled {
                lists.push(Vec::new());
                continue;
            }
            let mut a = args![&from, &to];
            let cond = scope.condition("a.unit_path", &mut a);
            let rows: Vec<(i64, i64, String, String)> = self
                .db
                .fetch_all(
                    &format!(
                        "SELECT a.id, a.unit_id, a.date, a.kind FROM activities a WHERE {filter} AND {cond} \
                         AND a.date >= $1 AND a.date <= $2 ORDER BY a.id"
                    ),
                    a,
                )
                .await?;
            named.extend(rows.iter().map(|r| r.1));
            lists.push(rows);
        }
        let late_rows = lists.pop().unwrap_or_default();
        let empty_rows = lists.pop().unwrap_or_default();
        let mut ids: Vec<i64> = empty_rows.iter().map(|r| r.0).collect();
        ids.extend(late_rows.iter().map(|r| r.0));
        ids.sort_unstable();
        ids.dedup();
        let who = self.read_officials_of(&ids).await?;

        // 方式单一: the judged units with enough walks in the period.
        if f.one_sided_modes.enabled {
            let mut a = args![w.period.to_string(), i64::from(f.one_sided_modes.min_walks)];
            let cond = scope.condition("unit_path", &mut a);
            let rows: Vec<(i64, i64, i64, i64, i64, i64)> = self
                .db
                .fetch_all(
                    &format!(
                        "SELECT unit_id, walks, online, cross_mode, citizen, unannounced FROM finding_modes \
                         WHERE period = $1 AND walks >= $2 AND {cond}"
                    ),
                    a,
                )
                .await?;
            for (unit, walks, online, cross, citizen, unannounced) in rows {
                named.insert(unit);
                facts.modes.push(ModeCounts {
                    unit,
                    walks,
                    online,
                    cross,
                    citizen,
                    unannounced,
                });
            }
        }

        // 问题浮浅 and 整改敷衍: problems flagged when judged.
        type PRow = (i64, i64, String, Option<String>, Option<String>);
        let mut flagged: Vec<Vec<PRow>> = Vec::new();
        for (enabled, sql) in [
            (
                f.shallow_problems.enabled,
                "SELECT id, unit_id, description, measures, shallow FROM problems WHERE shallow IS NOT NULL AND {cond} \
                 AND found_on >= $1 AND found_on <= $2 ORDER BY id",
            ),
            (
                f.perfunctory_rectification.enabled,
                "SELECT id, unit_id, description, measures, perfunctory FROM problems WHERE perfunctory IS NOT NULL AND {cond} \
                 AND closed_on >= $1 AND closed_on <= $2 AND status = 'closed' ORDER BY id",
            ),
        ] {
            if !enabled {
                flagged.push(Vec::new());
                continue;
            }
            let mut a = args![&from, &to];
            let cond = scope.condition("unit_path", &mut a);
            let rows: Vec<PRow> = self.db.fetch_all(&sql.replace("{cond}", &cond), a).await?;
            named.extend(rows.iter().map(|r| r.1));
            flagged.push(rows);
        }
        let perfunctory_rows = flagged.pop().unwrap_or_default();
        let shallow_rows = flagged.pop().unwrap_or_default();

        // 整改逾期: open past the deadline, not waiting for verification.
        let mut a = Vec::new();
        let cond = scope.condition("unit_path", &mut a);
        a.push(w.overdue_before.clone().into());
        let overdue_rows: Vec<(i64, i64, String)> = self
            .db
            .fetch_all(
                &format!(
                    "SELECT id, unit_id, description FROM problems WHERE {cond} AND status <> 'closed' \
                     AND status <> 'awaiting-verification' AND deadline < ${} ORDER BY id",
                    a.len()
                ),
                a,
            )
            .await?;
        named.extend(overdue_rows.iter().map(|r| r.1));

        // Resolve every unit named to its judged unit and that unit's report row.
        let info = self.units_info(named.into_iter().collect()).await?;
        let judged = |u: i64| {
            info.get(&u)
                .map(|(_, kind, parent, _)| judged_id(u, kind, *parent))
                .unwrap_or(u)
        };
        let mut judged_units: HashSet<i64> = HashSet::new();
        let mut official_ids: BTreeSet<i64> = BTreeSet::new();
        for (_, _, _, who) in busy_acts.values() {
            official_ids.extend(who.iter().copied());
        }
        for v in who.values() {
            official_ids.extend(v.iter().copied());
        }
        let names = self.official_names(&official_ids).await?;
        let name_of = |o: &i64| names.get(o).cloned().unwrap_or_default();

        // Texts of activities: date, unit, officials, kind.
        let unit_name = |j: i64, info: &HashMap<i64, (String, String, Option<i64>, String)>| {
            info.get(&j).map(|i| i.0.clone()).unwrap_or_default()
        };
        let mut to_resolve: Vec<i64> = Vec::new();
        for (j, ..) in busy_acts.values() {
            to_resolve.push(*j);
        }
        let text = |date: &str, unit: &str, kind: &str, who: &[i64]| {
            let d = parse_date(date)
                .map(zh_date)
                .unwrap_or_else(|| date.to_string());
            let k = ActivityKind::parse(kind).map_or(kind, |k| k.label_zh());
            let people: Vec<String> = who.iter().map(&name_of).collect();
            format!("{d} {unit} {} {k}", people.join("、"))
        };

        for (id, (unit, day, kind, who_ids)) in &busy_acts {
            judged_units.insert(*unit);
            facts.busy.push(ActivityFact {
                id: *id,
                unit: *unit,
                date: parse_date(day).unwrap_or(w.period.start()),
                place: places.get(id).cloned(),
                officials: who_ids.iter().map(|o| (*o, name_of(o))).collect(),
                text: text(day, &unit_name(*unit, &info), kind, who_ids),
            });
        }
        for (id, unit, date, kind) in &empty_rows {
            let j = judged(*unit);
            judged_units.insert(j);
            let who_ids = who.get(id).cloned().unwrap_or_default();
            facts.empty.push(ActivityFact {
                id: *id,
                unit: j,
                date: parse_date(date).unwrap_or(w.period.start()),
                place: None,
                officials: who_ids.iter().map(|o| (*o, name_of(o))).collect(),
                text: text(date, &unit_name(*unit, &info), kind, &who_ids),
            });
        }
        let mut late: BTreeMap<i64, Tally> = BTreeMap::new();
        for (id, unit, date, kind) in &late_rows {
            let j = judged(*unit);
            judged_units.insert(j);
            let who_ids = who.get(id).cloned().unwrap_or_default();
            let t = late.entry(j).or_insert(Tally {
                unit: j,
                count: 0,
                records: Vec::new(),
            });
            t.count += 1;
            if t.records.len() < RECORDS_LISTED {
                t.records.push(RecordRef {
                    kind: "activity".into(),
                    id: *id,
                    text: text(date, &unit_name(*unit, &info), kind, &who_ids),
                });
            }
        }
        facts.late = late.into_values().collect();
        let mut overdue: BTreeMap<i64, Tally> = BTreeMap::new();
        for (id, unit, description) in &overdue_rows {
            let j = judged(*unit);
            judged_units.insert(j);
            let t = overdue.entry(j).or_insert(Tally {
                unit: j,
                count: 0,
                records: Vec::new(),
            });
            t.count += 1;
            if t.records.len() < RECORDS_LISTED {
                t.records.push(RecordRef {
                    kind: "problem".into(),
                    id: *id,
                    text: description.clone(),
                });
            }
        }
        facts.overdue = overdue.into_values().collect();
        for (rows, out) in [
            (shallow_rows, &mut facts.shallow),
            (perfunctory_rows, &mut facts.perfunctory),
        ] {
            for (id, unit, description, measures, note) in rows {
                let j = judged(unit);
                judged_units.insert(j);
                out.push(FlaggedProblem {
                    id,
                    unit: j,
                    description,
                    measures: measures.unwrap_or_default(),
                    note: note.unwrap_or_default(),
                });
            }
        }
        for m in &facts.modes {
            judged_units.insert(m.unit);
        }

        // The judged units' names and rows.
        let missing: Vec<i64> = judged_units
            .iter()
            .copied()
            .filter(|u| !info.contains_key(u))
            .collect();
        let more = self.units_info(missing).await?;
        for u in judged_units {
            let Some((name, _, _, path)) = info.get(&u).or_else(|| more.get(&u)) else {
                continue;
            };
            let row = children
                .iter()
                .find(|c| path.starts_with(&c.path))
                .unwrap_or(region);
            facts.units.insert(
                u,
                JudgedUnit {
                    id: u,
                    name: name.clone(),
                    row_id: row.id,
                    row_name: row.name.clone(),
                },
            );
        }
        Ok(facts)
    }

    /// (name, kind, parent, path) of units, by id.
    async fn units_info(
        &self,
        ids: Vec<i64>,
    ) -> Result<HashMap<i64, (String, String, Option<i64>, String)>> {
        let mut out = HashMap::new();
        for chunk in ids.chunks(500) {
            let a: Vec<Arg> = chunk.iter().map(|i| Arg::from(*i)).collect();
            let rows: Vec<(i64, String, String, Option<i64>, String)> = self
                .db
                .fetch_all(
                    &format!(
                        "SELECT id, name, kind, parent_id, path FROM units WHERE id IN ({})",
                        marks(0, chunk.len())
                    ),
                    a,
                )
                .await?;
            for (id, name, kind, parent, path) in rows {
                out.insert(id, (name, kind, parent, path));
            }
        }
        Ok(out)
    }

    async fn read_officials_of(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<i64>>> {
        let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
        for chunk in ids.chunks(500) {
            let a: Vec<Arg> = chunk.iter().map(|i| Arg::from(*i)).collect();
            let rows: Vec<(i64, i64)> = self
                .db
                .fetch_all(
                    &format!(
                        "SELECT activity_id, official_id FROM activity_officials WHERE activity_id IN ({}) ORDER BY official_id",
                        marks(0, chunk.len())
                    ),
                    a,
                )
                .await?;
            for (act, o) in rows {
                out.entry(act).or_default().push(o);
            }
        }
        Ok(out)
    }

    async fn official_names(&self, ids: &BTreeSet<i64>) -> Result<HashMap<i64, String>> {
        let ids: Vec<i64> = ids.iter().copied().collect();
        let mut out = HashMap::new();
        for chunk in ids.chunks(500) {
            let a: Vec<Arg> = chunk.iter().map(|i| Arg::from(*i)).collect();
            let rows: Vec<(i64, String)> = self
                .db
                .fetch_all(
                    &format!(
                        "SELECT id, name FROM officials WHERE id IN ({})",
                        marks(0, chunk.len())
                    ),
                    a,
                )
                .await?;
            out.extend(rows);
        }
        Ok(out)
    }

    /// The newest review of each finding of `period`, by key.
    pub async fn finding_reviews(&self, period: Period) -> Result<HashMap<String, Review>> {
        let rows: Vec<(String, String, String, String, Option<String>, i64)> = self
            .db
            .fetch_all(
                "SELECT r.finding_key, r.decision, r.reason, r.actor, u.display_name, r.at FROM finding_reviews r \
                 LEFT JOIN users u ON u.id = r.actor_id WHERE r.period = $1 ORDER BY r.id",
                args![period.to_string()],
            )
            .await?;
        let mut out = HashMap::new();
        for (key, decision, reason, actor, display, at) in rows {
            out.insert(
                key,
                Review {
                    decision,
                    reason,
                    by: display.filter(|d| !d.is_empty()).unwrap_or(actor),
                    at: at_text(at),
                },
            );
        }
        Ok(out)
    }

    /// Records a supervisor's decision on a finding (确认 or 排除, with the
    /// reason), audited; the newest decision on a key counts.
    pub async fn review_finding(
        &self,
        actor: &crate::Actor,
        period: Period,
        key: &str,
        unit_id: i64,
        decision: &str,
        reason: &str,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let now = now_ms();
        tx.execute(
            "INSERT INTO finding_reviews (period, finding_key, unit_id, decision, reason, actor_id, actor, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            args![period.to_string(), key, unit_id, decision, reason, actor.user_id, &actor.username, now],
        )
        .await?;
        crate::audit::append(
            &mut tx,
            actor,
            crate::audit::Change {
                action: if decision == "dismissed" { "dismiss" } else { "confirm" },
                entity: "finding",
                entity_id: Some(format!("{period}:{key}")),
                before: None,
                after: Some(serde_json::json!({"period": period.to_string(), "key": key, "unit_id": unit_id, "decision": decision, "reason": reason})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
