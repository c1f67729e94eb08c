//! 研判要素 what the findings of a period are judged on (migration 0013),
//! kept so that judging a nation's quarter reads a small part of it.
//!
//! A report judges the units directly below its region, the level its notice
//! names (县（市）区、部门): each with its own records and those of its sections
//! and halls, not those of the departments or regions below it, which their
//! own region's report judges. So what a report reads grows with its rows,
//! not with its subtree. Kept per unit:
//!
//! - per unit and day, the distinct officials who took part and the
//!   activities they took part in (`finding_days`, also per place);
//! - per unit and period, its walks counted by way (`finding_modes`);
//! - on each record: the problems and needs an activity recorded
//!   (`activities.found`, for 空走), and what the policy's rules say of a
//!   problem's texts (`problems.shallow`, `problems.perfunctory`).
//!
//! They are refreshed lazily: a write only clears the record's `judged`
//! mark (new records start without it), and [`Store::catch_up_findings`],
//! run before findings are read, counts again what changed since. When the
//! policy's text rules change, every problem is judged again. After a bulk
//! load, or when much has changed, everything is rebuilt day by day.

use crate::db::{Db, Tx};
use crate::registry::Unit;
use crate::reports::Window;
use crate::rows::{Batch, FindingDayRow, FindingModeRow};
use crate::{Arg, Result, Scope, Store, args, now_ms};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use zlc_domain::findings::{
    ActivityFact, Facts, FlaggedProblem, JudgedUnit, ModeCounts, OfficialFact, RECORDS_LISTED,
    Tally, count_mode, frequency_due, frequency_text, missing_walks, zh_date,
};
use zlc_domain::kinds::{ActivityKind, Channel, Mode, Rank};
use zlc_domain::period::{Period, PeriodKind};
use zlc_domain::policy::Policy;
use zlc_domain::report::{RecordRef, Review};

/// Unit kinds that are part of the unit above them: their records are
/// judged with it (a department's 科室, a street's 便民服务中心).
const PART_KINDS: [&str; 2] = ["section", "hall"];

/// Above this many activities to count again, the facts are rebuilt whole.
const REBUILD_ABOVE: i64 = 20_000;
/// Records judged per transaction while catching up.
const BATCH: i64 = 2_000;

/// A filed activity as the facts count it.
#[derive(Debug, Clone, sqlx::FromRow)]
struct ActRow {
    id: i64,
    unit_id: i64,
    unit_path: String,
    kind: String,
    mode: String,
    channel: Option<String>,
    unannounced: bool,
    place: Option<String>,
    date: String,
}

const ACT_COLS: &str =
    "a.id, a.unit_id, a.unit_path, a.kind, a.mode, a.channel, a.unannounced, a.place, a.date";

/// `$1, $2, …` for `n` arguments starting after `from`.
fn marks(from: usize, n: usize) -> String {
    (from + 1..=from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Who took part in the activities `ids`, by activity: read in the
/// transaction that writes (`Some`), else on the pool. A writer must not wait
/// for a second connection of a pool its peers may hold.
async fn officials_of(
    db: &Db,
    mut tx: Option<&mut Tx>,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<i64>>> {
    let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
    for chunk in ids.chunks(500) {
        let a: Vec<Arg> = chunk.iter().map(|i| Arg::from(*i)).collect();
        let sql = format!(
            "SELECT activity_id, official_id FROM activity_officials WHERE activity_id IN ({}) ORDER BY official_id",
            marks(0, chunk.len())
        );
        let rows: Vec<(i64, i64)> = match tx.as_deref_mut() {
            Some(t) => t.fetch_all(&sql, a).await?,
            None => db.fetch_all(&sql, a).await?,
        };
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
        // Only a place one goes to can be crowded: not a website or a hotline.
        let remote = a
            .channel
            .as_deref()
            .and_then(Channel::parse)
            .is_some_and(|c| c.is_online() || c == Channel::Hotline);
        if let Some(p) = a.place.as_deref().map(str::trim).filter(|p| !p.is_empty())
            && !remote
        {
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

/// Catching up runs one transaction at a time across servers: two servers on
/// one PostgreSQL would otherwise count the same change twice. (SQLite's
/// write lock, taken when the transaction begins, already does this.)
async fn one_at_a_time(tx: &mut Tx) -> Result<()> {
    if tx.kind() == crate::Kind::Postgres {
        tx.execute("SELECT pg_advisory_xact_lock(7355608)", vec![])
            .await?;
    }
    Ok(())
}

/// Runs `update` (`UPDATE t SET …`, its own arguments `set`) on the rows
/// `ids`, 500 at a time (`… WHERE id IN (…)`).
async fn update_ids(tx: &mut Tx, update: &str, set: &[Arg], ids: &[i64]) -> Result<()> {
    for chunk in ids.chunks(500) {
        let mut a = set.to_vec();
        a.extend(chunk.iter().map(|i| Arg::from(*i)));
        tx.execute(
            &format!("{update} WHERE id IN ({})", marks(set.len(), chunk.len())),
            a,
        )
        .await?;
    }
    Ok(())
}

/// What the policy's text rules say of a problem: the trivial keyword of
/// its description (`shallow`) and, once it is closed, why its
/// rectification reads empty (`perfunctory`).
pub fn judge_texts(
    policy: &Policy,
    description: &str,
    measures: Option<&str>,
    effect: Option<&str>,
    status: &str,
) -> (Option<String>, Option<String>) {
    let f = &policy.formalism;
    let shallow = f
        .shallow_problems
        .matched_keyword(description)
        .map(str::to_string);
    let perfunctory = if status == "closed" {
        f.perfunctory_rectification
            .judge(description, measures.unwrap_or(""), effect.unwrap_or(""))
            .map(|p| p.reason)
    } else {
        None
    };
    (shallow, perfunctory)
}

/// Marks activities to be counted again (a problem or need recorded on them changed).
pub(crate) async fn mark_activities(tx: &mut Tx, ids: &BTreeSet<i64>) -> Result<()> {
    let ids: Vec<i64> = ids.iter().copied().collect();
    update_ids(tx, "UPDATE activities SET judged = NULL", &[], &ids).await
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
    /// Records that every problem's texts were judged under `policy`'s text
    /// rules as it was written (a bulk load that judged them itself), so
    /// that catching up does not judge them all again.
    pub async fn texts_judged_under(&self, policy: &Policy) -> Result<()> {
        let mut tx = self.db.begin().await?;
        self.set_setting(&mut tx, "judged_under", &text_rules_fingerprint(policy))
            .await?;
        tx.commit().await?;
        Ok(())
    }

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
        if pending == 0 {
            return Ok(());
        }
        // Nothing counted yet (a fresh load): rebuilding whole is one pass
        // over each table instead of a round of statements per activity.
        let none_counted = self
            .db
            .scalar::<i64>(
                "SELECT id FROM activities WHERE judged IS NOT NULL AND status = 'filed' LIMIT 1",
                vec![],
            )
            .await?
            .is_none();
        if pending > REBUILD_ABOVE || none_counted {
            return self.rebuild_activity_facts().await;
        }
        loop {
            let mut tx = self.db.begin().await?;
            one_at_a_time(&mut tx).await?;
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
        let mut days: BTreeSet<(i64, String, String)> = BTreeSet::new();
        let mut periods: BTreeSet<(i64, String, Period)> = BTreeSet::new();
        for r in &rows {
            days.insert((r.unit_id, r.unit_path.clone(), r.date.clone()));
            if r.kind == ActivityKind::Walk.code()
                && let Some(d) = parse_date(&r.date)
            {
                for p in period_keys(d) {
                    periods.insert((r.unit_id, r.unit_path.clone(), p));
                }
            }
        }
        for (unit, path, day) in days {
            let acts: Vec<ActRow> = tx
                .fetch_all(
                    &format!(
                        "SELECT {ACT_COLS} FROM activities a WHERE a.unit_path = $1 AND a.date = $2 AND a.status = 'filed' ORDER BY a.id"
                    ),
                    args![&path, &day],
                )
                .await?;
            let act_ids: Vec<i64> = acts.iter().map(|a| a.id).collect();
            let who = officials_of(&self.db, Some(tx), &act_ids).await?;
            let refs: Vec<&ActRow> = acts.iter().collect();
            put_days(tx, unit, &path, &day, &day_rows(&refs, &who)).await?;
        }
        for (unit, path, p) in periods {
            let walks: Vec<(String, Option<String>, bool)> = tx
                .fetch_all(
                    "SELECT a.mode, a.channel, a.unannounced FROM activities a WHERE a.unit_path = $1 AND a.date >= $2 AND a.date <= $3 \
                     AND a.status = 'filed' AND a.kind = 'walk'",
                    args![&path, p.start().to_string(), p.end().to_string()],
                )
                .await?;
            let mut m = ModeCounts {
                unit,
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
            put_modes(tx, &p.to_string(), &path, &m).await?;
        }
        Ok(())
    }

    /// Rebuilds the activity facts whole: each activity's count of problems
    /// and needs, then the days and modes (after a bulk load, or when much
    /// changed).
    pub async fn rebuild_activity_facts(&self) -> Result<()> {
        let mut tx = self.db.begin().await?;
        one_at_a_time(&mut tx).await?;
        // One statement: each activity's problems and needs counted through
        // their `activity_id` indexes.
        tx.execute(
            "UPDATE activities SET judged = $1, \
             found = (SELECT COUNT(*) FROM problems p WHERE p.activity_id = activities.id) \
             + (SELECT COUNT(*) FROM needs n WHERE n.activity_id = activities.id)",
            args![true],
        )
        .await?;
        self.rebuild_days_and_modes(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Rebuilds the findings' days and modes, leaving each activity's count
    /// as it is: for a bulk load that wrote every activity counted (`found`,
    /// `judged` true), which spares rewriting each activity and its indexes.
    pub async fn rebuild_finding_days(&self) -> Result<()> {
        let mut tx = self.db.begin().await?;
        one_at_a_time(&mut tx).await?;
        self.rebuild_days_and_modes(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// `finding_days` and `finding_modes` made again from the filed
    /// activities, one day of activities at a time.
    async fn rebuild_days_and_modes(&self, tx: &mut Tx) -> Result<()> {
        tx.execute("DELETE FROM finding_days", vec![]).await?;
        tx.execute("DELETE FROM finding_modes", vec![]).await?;
        let mut day_rows_out: Batch<FindingDayRow> = Batch::default();
        let days: Vec<(String,)> = tx
            .fetch_all(
                "SELECT DISTINCT date FROM activities WHERE status = 'filed' ORDER BY date",
                vec![],
            )
            .await?;
        let mut modes: HashMap<(i64, Period), (String, ModeCounts)> = HashMap::new();
        for (day,) in days {
            let acts: Vec<ActRow> = tx
                .fetch_all(
                    &format!(
                        "SELECT {ACT_COLS} FROM activities a WHERE a.status = 'filed' AND a.date = $1 ORDER BY a.id"
                    ),
                    args![&day],
                )
                .await?;
            let ids: Vec<i64> = acts.iter().map(|a| a.id).collect();
            let who = officials_of(&self.db, Some(tx), &ids).await?;
            let mut by_unit: BTreeMap<i64, Vec<&ActRow>> = BTreeMap::new();
            for a in &acts {
                by_unit.entry(a.unit_id).or_default().push(a);
                if a.kind == ActivityKind::Walk.code()
                    && let Some(d) = parse_date(&a.date)
                {
                    for p in period_keys(d) {
                        let (_, m) = modes.entry((a.unit_id, p)).or_insert((
                            a.unit_path.clone(),
                            ModeCounts {
                                unit: a.unit_id,
                                ..ModeCounts::default()
                            },
                        ));
                        count_mode(
                            m,
                            Mode::parse(&a.mode),
                            a.channel.as_deref().and_then(Channel::parse),
                            a.unannounced,
                        );
                    }
                }
            }
            for (unit, list) in by_unit {
                let path = list.first().map(|a| a.unit_path.as_str()).unwrap_or("");
                for (place, officials, detail) in day_rows(&list, &who) {
                    let row = FindingDayRow {
                        unit_id: unit,
                        unit_path: path.to_string(),
                        day: day.clone(),
                        place,
                        officials,
                        detail,
                    };
                    day_rows_out.push(tx, row).await?;
                }
            }
        }
        day_rows_out.flush(tx).await?;
        let mut mode_rows: Batch<FindingModeRow> = Batch::default();
        for ((_, p), (path, m)) in modes {
            if m.walks > 0 {
                let row = FindingModeRow {
                    period: p.to_string(),
                    unit_id: m.unit,
                    unit_path: path,
                    walks: m.walks,
                    online: m.online,
                    cross_mode: m.cross,
                    citizen: m.citizen,
                    unannounced: m.unannounced,
                };
                mode_rows.push(tx, row).await?;
            }
        }
        mode_rows.flush(tx).await?;
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
            one_at_a_time(&mut tx).await?;
            tx.execute(
                "UPDATE problems SET judged = NULL WHERE judged IS NOT NULL",
                vec![],
            )
            .await?;
            self.set_setting(&mut tx, "judged_under", &fp).await?;
            tx.commit().await?;
        }
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
        // Asked on the pool first: a report with nothing to count takes no write lock.
        while self.any_unjudged("problems").await? {
            let mut tx = self.db.begin().await?;
            one_at_a_time(&mut tx).await?;
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
            update_ids(
                &mut tx,
                "UPDATE problems SET judged = $1, shallow = NULL, perfunctory = NULL",
                &[Arg::from(true)],
                &ids,
            )
            .await?;
            let mut closures: BTreeMap<(String, String, String), i64> = BTreeMap::new();
            let mut activities: BTreeSet<i64> = BTreeSet::new();
            // The problems whose closing month changed, by that month.
            let mut closing: BTreeMap<Option<String>, Vec<i64>> = BTreeMap::new();
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
                    closing.entry(closed).or_default().push(id);
                }
                let (shallow, perfunctory) = judge_texts(
                    policy,
                    &description,
                    measures.as_deref(),
                    effect.as_deref(),
                    &status,
                );
                if shallow.is_some() || perfunctory.is_some() {
                    tx.execute(
                        "UPDATE problems SET shallow = $1, perfunctory = $2 WHERE id = $3",
                        args![shallow, perfunctory, id],
                    )
                    .await?;
                }
            }
            for (month, ids) in closing {
                update_ids(
                    &mut tx,
                    "UPDATE problems SET closure_month = $1",
                    &[Arg::from(month)],
                    &ids,
                )
                .await?;
            }
            crate::stats::add_closures(&mut tx, closures).await?;
            mark_activities(&mut tx, &activities).await?;
            tx.commit().await?;
        }
        // Needs: only the activity they were recorded on is counted again.
        while self.any_unjudged("needs").await? {
            let mut tx = self.db.begin().await?;
            one_at_a_time(&mut tx).await?;
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
            update_ids(
                &mut tx,
                "UPDATE needs SET judged = $1",
                &[Arg::from(true)],
                &ids,
            )
            .await?;
            mark_activities(&mut tx, &activities).await?;
            tx.commit().await?;
        }
        Ok(())
    }

    /// The officials of the units `judged` ((unit, the judged unit it is
    /// part of)) that the policy's frequency rules due over `period` name as
    /// not taking part, and those rules as they read.
    async fn missing_walk_facts(
        &self,
        policy: &Policy,
        judged: &[(i64, i64)],
        period: Period,
        today: NaiveDate,
    ) -> Result<(Vec<Tally>, Vec<String>)> {
        let due = frequency_due(policy, period, today);
        if due.is_empty() {
            return Ok((Vec::new(), Vec::new()));
        }
        let ranks: BTreeSet<&str> = due
            .iter()
            .flat_map(|(r, _)| r.ranks.iter().chain(&r.delegate_to).map(|k| k.code()))
            .collect();
        let mut periods: Vec<Period> = due.iter().flat_map(|(_, d)| d.iter().copied()).collect();
        periods.sort_by_key(|p| (p.start(), p.end()));
        periods.dedup();
        let judged_of: HashMap<i64, i64> = judged.iter().copied().collect();
        let units: Vec<i64> = judged.iter().map(|(u, _)| *u).collect();
        let mut officials: Vec<OfficialFact> = Vec::new();
        for chunk in units.chunks(400) {
            let mut a: Vec<Arg> = vec![Arg::from(true)];
            a.extend(ranks.iter().map(|r| Arg::from(*r)));
            let r = marks(1, ranks.len());
            a.extend(chunk.iter().map(|u| Arg::from(*u)));
            let rows: Vec<(i64, i64, String, String, String, i64)> = self
                .db
                .fetch_all(
                    &format!(
                        "SELECT id, unit_id, name, title, rank, created_at FROM officials \
                         WHERE active = $1 AND rank IN ({r}) AND unit_id IN ({})",
                        marks(1 + ranks.len(), chunk.len())
                    ),
                    a,
                )
                .await?;
            officials.extend(rows.into_iter().filter_map(
                |(id, unit, name, title, rank, created)| {
                    Some(OfficialFact {
                        id,
                        unit: judged_of.get(&unit).copied().unwrap_or(unit),
                        own_unit: unit,
                        name,
                        title,
                        rank: Rank::parse(&rank)?,
                        since: chrono::DateTime::from_timestamp_millis(created)?.date_naive(),
                    })
                },
            ));
        }
        let mut took_part: HashSet<(Period, i64)> = HashSet::new();
        let ids: Vec<i64> = officials.iter().map(|o| o.id).collect();
        for p in periods {
            for chunk in ids.chunks(400) {
                let mut a = args![p.to_string()];
                a.extend(chunk.iter().map(|i| Arg::from(*i)));
                let rows: Vec<(i64,)> = self
                    .db
                    .fetch_all(
                        &format!(
                            "SELECT official_id FROM stats_officials WHERE period = $1 AND official_id IN ({})",
                            marks(1, chunk.len())
                        ),
                        a,
                    )
                    .await?;
                took_part.extend(rows.into_iter().map(|(o,)| (p, o)));
            }
        }
        Ok((
            missing_walks(policy, period, today, &officials, &took_part),
            due.iter().map(|(r, _)| frequency_text(r)).collect(),
        ))
    }

    /// Whether any record of `table` (problems, needs) waits to be judged.
    async fn any_unjudged(&self, table: &str) -> Result<bool> {
        Ok(self
            .db
            .scalar::<i64>(
                &format!("SELECT id FROM {table} WHERE judged IS NULL LIMIT 1"),
                vec![],
            )
            .await?
            .is_some())
    }

    /// The facts the findings of `region` over the window are judged on:
    /// about each unit of `children` (the units directly below the region),
    /// its own records and its sections' and halls'.
    pub async fn finding_facts(
        &self,
        policy: &Policy,
        children: &[Unit],
        w: &Window,
        today: NaiveDate,
    ) -> Result<Facts> {
        self.catch_up_findings(policy).await?;
        let (from, to) = (w.period.start().to_string(), w.period.end().to_string());
        let f = &policy.formalism;
        let mut facts = Facts::default();

        // Each child with the units that are part of it: (unit, path) → child.
        let mut part_of: HashMap<i64, i64> = children.iter().map(|c| (c.id, c.id)).collect();
        let mut paths: Vec<String> = children.iter().map(|c| c.path.clone()).collect();
        let mut frontier: Vec<i64> = children.iter().map(|c| c.id).collect();
        while !frontier.is_empty() {
            let mut next = Vec::new();
            for chunk in frontier.chunks(400) {
                let mut a: Vec<Arg> = PART_KINDS.iter().map(|k| Arg::from(*k)).collect();
                a.extend(chunk.iter().map(|i| Arg::from(*i)));
                let rows: Vec<(i64, i64, String)> = self
                    .db
                    .fetch_all(
                        &format!(
                            "SELECT id, parent_id, path FROM units WHERE kind IN ($1, $2) AND parent_id IN ({})",
                            marks(2, chunk.len())
                        ),
                        a,
                    )
                    .await?;
                for (id, parent, path) in rows {
                    if let Some(child) = part_of.get(&parent).copied() {
                        part_of.insert(id, child);
                        paths.push(path);
                        next.push(id);
                    }
                }
            }
            frontier = next;
        }
        let units: Vec<i64> = part_of.keys().copied().collect();
        for c in children {
            facts.units.insert(
                c.id,
                JudgedUnit {
                    id: c.id,
                    name: c.name.clone(),
                    row_id: c.id,
                    row_name: c.name.clone(),
                },
            );
        }
        let child = |u: i64| part_of.get(&u).copied().unwrap_or(u);

        // Who took part on which day, and where.
        let mut busy: Vec<(i64, String, String, String)> = Vec::new();
        if f.clustered_dates.enabled && f.clustered_dates.min_officials >= 2 {
            for chunk in units.chunks(400) {
                let mut a = args![&from, &to];
                a.extend(chunk.iter().map(|u| Arg::from(*u)));
                let rows: Vec<(i64, String, String, String)> = self
                    .db
                    .fetch_all(
                        &format!(
                            "SELECT unit_id, day, place, detail FROM finding_days WHERE unit_id IN ({}) AND day >= $1 AND day <= $2",
                            marks(2, chunk.len())
                        ),
                        a,
                    )
                    .await?;
                busy.extend(rows);
            }
        }
        // (activity) → (child, date, kind, officials), and its place.
        let mut busy_acts: BTreeMap<i64, (i64, String, String, Vec<i64>)> = BTreeMap::new();
        let mut places: HashMap<i64, String> = HashMap::new();
        for (unit, day, place, detail) in &busy {
            for (id, kind, who) in parse_detail(detail) {
                busy_acts
                    .entry(id)
                    .or_insert((child(*unit), day.clone(), kind, who));
                if !place.is_empty() {
                    places.insert(id, place.clone());
                }
            }
        }

        // 空走: filed activities of the units that found nothing.
        let mut empty_rows: Vec<(i64, i64, String, String)> = Vec::new();
        if f.empty_walks.enabled && f.empty_walks.min_per_official > 0 {
            for chunk in paths.chunks(400) {
                let mut a = args![&from, &to];
                a.extend(chunk.iter().map(|p| Arg::from(p.as_str())));
                let rows: Vec<(i64, i64, String, String)> = self
                    .db
                    .fetch_all(
                        &format!(
                            "SELECT a.id, a.unit_id, a.date, a.kind FROM activities a WHERE a.found = 0 AND a.status = 'filed' \
                             AND a.unit_path IN ({}) AND a.date >= $1 AND a.date <= $2 ORDER BY a.id",
                            marks(2, chunk.len())
                        ),
                        a,
                    )
                    .await?;
                empty_rows.extend(rows);
            }
        }

        // 方式单一: the children's walks by way, summed over their parts.
        if f.one_sided_modes.enabled {
            let mut per: BTreeMap<i64, ModeCounts> = BTreeMap::new();
            for chunk in units.chunks(400) {
                let mut a = args![w.period.to_string()];
                a.extend(chunk.iter().map(|u| Arg::from(*u)));
                let rows: Vec<(i64, i64, i64, i64, i64, i64)> = self
                    .db
                    .fetch_all(
                        &format!(
                            "SELECT unit_id, walks, online, cross_mode, citizen, unannounced FROM finding_modes \
                             WHERE period = $1 AND unit_id IN ({})",
                            marks(1, chunk.len())
                        ),
                        a,
                    )
                    .await?;
                for (unit, walks, online, cross, citizen, unannounced) in rows {
                    let c = child(unit);
                    let m = per.entry(c).or_insert(ModeCounts {
                        unit: c,
                        ..ModeCounts::default()
                    });
                    m.walks += walks;
                    m.online += online;
                    m.cross += cross;
                    m.citizen += citizen;
                    m.unannounced += unannounced;
                }
            }
            facts.modes = per.into_values().collect();
        }

        // 问题浮浅 and 整改敷衍: problems of the units flagged when judged.
        type PRow = (i64, i64, String, Option<String>, Option<String>);
        for (enabled, sql, shallow) in [
            (
                f.shallow_problems.enabled,
                "SELECT id, unit_id, description, measures, shallow FROM problems WHERE shallow IS NOT NULL AND unit_path IN ({paths}) \
                 AND found_on >= $1 AND found_on <= $2 ORDER BY id",
                true,
            ),
            (
                f.perfunctory_rectification.enabled,
                "SELECT id, unit_id, description, measures, perfunctory FROM problems WHERE perfunctory IS NOT NULL AND unit_path IN ({paths}) \
                 AND closed_on >= $1 AND closed_on <= $2 AND status = 'closed' ORDER BY id",
                false,
            ),
        ] {
            if !enabled {
                continue;
            }
            for chunk in paths.chunks(400) {
                let mut a = args![&from, &to];
                a.extend(chunk.iter().map(|p| Arg::from(p.as_str())));
                let rows: Vec<PRow> = self
                    .db
                    .fetch_all(&sql.replace("{paths}", &marks(2, chunk.len())), a)
                    .await?;
                let out = if shallow {
                    &mut facts.shallow
                } else {
                    &mut facts.perfunctory
                };
                out.extend(
                    rows.into_iter()
                        .map(|(id, unit, description, measures, note)| FlaggedProblem {
                            id,
                            unit: child(unit),
                            description,
                            measures: measures.unwrap_or_default(),
                            note: note.unwrap_or_default(),
                        }),
                );
            }
        }

        // 整改逾期 and 报备超时: each child's whole subtree, counted, with the first records.
        // (activity, its unit, date, kind, the child it counts for)
        let mut late_rows: Vec<(i64, i64, String, String, i64)> = Vec::new();
        for c in children {
            let mut a = Vec::new();
            let cond = Scope::subtree(c.path.clone()).condition("unit_path", &mut a);
            a.push(w.overdue_before.clone().into());
            let open = "status <> 'closed' AND status <> 'awaiting-verification'";
            let n = self.overdue(c.id, &w.overdue_before).await?;
            if n > 0 {
                let rows: Vec<(i64, String)> = self
                    .db
                    .fetch_all(
                        &format!(
                            "SELECT id, description FROM problems WHERE {cond} AND {open} AND deadline < ${} ORDER BY unit_path, deadline LIMIT {RECORDS_LISTED}",
                            a.len()
                        ),
                        a,
                    )
                    .await?;
                facts.overdue.push(Tally {
                    unit: c.id,
                    count: n,
                    records: rows
                        .into_iter()
                        .map(|(id, text)| RecordRef {
                            kind: "problem".into(),
                            id,
                            text,
                        })
                        .collect(),
                });
            }
            // Late filings are counted with the statistics (stats_flows).
            let (m1, m2) = (
                Period::month_of(w.period.start()).to_string(),
                Period::month_of(w.period.end()).to_string(),
            );
            let n: i64 = self
                .db
                .scalar(
                    "SELECT CAST(COALESCE(SUM(late), 0) AS BIGINT) FROM stats_flows WHERE unit_id = $1 AND month >= $2 AND month <= $3",
                    args![c.id, m1, m2],
                )
                .await?
                .unwrap_or(0);
            if n > 0 {
                let mut a = args![&from, &to];
                let cond = Scope::subtree(c.path.clone()).condition("a.unit_path", &mut a);
                // In the order of the status index, so that the first late ones end the scan.
                let rows: Vec<(i64, i64, String, String)> = self
                    .db
                    .fetch_all(
                        &format!(
                            "SELECT a.id, a.unit_id, a.date, a.kind FROM activities a WHERE a.status = 'filed' AND {cond} \
                             AND a.date >= $1 AND a.date <= $2 AND a.late = TRUE ORDER BY a.unit_path, a.date LIMIT {RECORDS_LISTED}"
                        ),
                        a,
                    )
                    .await?;
                facts.late.push(Tally {
                    unit: c.id,
                    count: n,
                    records: Vec::new(),
                });
                late_rows.extend(
                    rows.into_iter()
                        .map(|(id, unit, date, kind)| (id, unit, date, kind, c.id)),
                );
            }
        }

        // 未按频次体验: the officials of the judged units themselves.
        let judged: Vec<(i64, i64)> = units.iter().map(|u| (*u, child(*u))).collect();
        (facts.missing, facts.missing_rules) = self
            .missing_walk_facts(policy, &judged, w.period, today)
            .await?;

        // Names: of the officials and of the units the records were at.
        let mut ids: Vec<i64> = empty_rows.iter().map(|r| r.0).collect();
        ids.extend(late_rows.iter().map(|r| r.0));
        ids.sort_unstable();
        ids.dedup();
        let who = officials_of(&self.db, None, &ids).await?;
        let mut official_ids: BTreeSet<i64> = BTreeSet::new();
        for (_, _, _, w) in busy_acts.values() {
            official_ids.extend(w.iter().copied());
        }
        for v in who.values() {
            official_ids.extend(v.iter().copied());
        }
        let names = self.official_names(&official_ids).await?;
        let name_of = |o: &i64| names.get(o).cloned().unwrap_or_default();
        let unit_names: HashMap<i64, String> = {
            let mut wanted: BTreeSet<i64> = empty_rows.iter().map(|r| r.1).collect();
            wanted.extend(busy.iter().map(|r| r.0));
            wanted.extend(late_rows.iter().map(|r| r.1));
            self.units_info(wanted.into_iter().collect())
                .await?
                .into_iter()
                .map(|(id, (name, ..))| (id, name))
                .collect()
        };
        let text = |date: &str, unit: &str, kind: &str, who: &[i64]| {
            let d = parse_date(date)
                .map(zh_date)
                .unwrap_or_else(|| date.to_string());
            let k = ActivityKind::parse(kind).map_or(kind, |k| k.label_zh());
            let people: Vec<String> = who.iter().map(&name_of).collect();
            format!("{d} {unit} {} {k}", people.join("、"))
        };
        let child_name = |c: i64| {
            facts
                .units
                .get(&c)
                .map(|u| u.name.clone())
                .unwrap_or_default()
        };
        // Where each busy activity was: its own unit (a section names itself).
        let mut busy_unit: HashMap<i64, i64> = HashMap::new();
        for (unit, _, _, detail) in &busy {
            for (id, _, _) in parse_detail(detail) {
                busy_unit.insert(id, *unit);
            }
        }
        for (id, (c, day, kind, who_ids)) in &busy_acts {
            let at = busy_unit
                .get(id)
                .and_then(|u| unit_names.get(u).cloned())
                .unwrap_or_else(|| child_name(*c));
            facts.busy.push(ActivityFact {
                id: *id,
                unit: *c,
                date: parse_date(day).unwrap_or(w.period.start()),
                place: places.get(id).cloned(),
                officials: who_ids.iter().map(|o| (*o, name_of(o))).collect(),
                text: text(day, &at, kind, who_ids),
            });
        }
        for (id, unit, date, kind) in &empty_rows {
            let who_ids = who.get(id).cloned().unwrap_or_default();
            let at = unit_names.get(unit).cloned().unwrap_or_default();
            facts.empty.push(ActivityFact {
                id: *id,
                unit: child(*unit),
                date: parse_date(date).unwrap_or(w.period.start()),
                place: None,
                officials: who_ids.iter().map(|o| (*o, name_of(o))).collect(),
                text: text(date, &at, kind, &who_ids),
            });
        }
        for t in &mut facts.late {
            for (id, unit, date, kind, _) in late_rows.iter().filter(|r| r.4 == t.unit) {
                let who_ids = who.get(id).cloned().unwrap_or_default();
                let at = unit_names.get(unit).cloned().unwrap_or_default();
                t.records.push(RecordRef {
                    kind: "activity".into(),
                    id: *id,
                    text: text(date, &at, kind, &who_ids),
                });
            }
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
            &self.cipher,
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
