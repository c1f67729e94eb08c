//! 督办 in the database: the open duties a daily run reads (indexed, page by
//! page), the claim on a day's run, each rung sent once, the messages it
//! leaves, and the deliveries by mail and webhook claimed one at a time.
//!
//! Several servers on one database share the work through the database
//! alone: the day's run is claimed by inserting its row (`remind_days`), each
//! rung is unique on (duty, record, deadline, rung), and a delivery is taken
//! by a conditional update of its row. Nothing is decided in memory.

use crate::db::Tx;
use crate::{Actor, Result, Scope, Store, args, now_ms};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use zlc_domain::auth::{Permission, mask_email};
use zlc_domain::duty::{DutyKind, Rung};
use zlc_domain::kinds::Rank;
use zlc_domain::period::Period;

/// How many open duties one page of the daily run reads.
const PAGE: i64 = 2_000;
/// How long a claim on a day's run or a delivery holds before another server
/// may take it over (a server that died mid-run).
pub const LEASE_MS: i64 = 10 * 60 * 1000;

/// 待督办事项 one open duty with a deadline, as the daily run reads it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OpenDuty {
    pub record_id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub unit_path: String,
    /// The deadline (`YYYY-MM-DD`).
    pub due: String,
    /// The person the duty is on: a problem's handler, a walk's writer, a
    /// closed problem's verifier.
    pub person_id: Option<i64>,
    /// A problem's responsible section (责任科室), whose accounts hold it
    /// while nobody has taken it on.
    pub section_id: Option<i64>,
    /// What the duty is about, for the message.
    pub what: String,
}

/// 收件人 an account that may receive reminders.
#[derive(Debug, Clone, Serialize)]
pub struct Recipient {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub unit_id: Option<i64>,
    pub unit_path: Option<String>,
    #[serde(skip)]
    pub email: Option<String>,
    /// 主要负责人: the account of the unit's head, who is copied on 催办.
    pub head: bool,
    pub permissions: BTreeSet<Permission>,
}

#[derive(sqlx::FromRow)]
struct RecipientRow {
    id: i64,
    username: String,
    display_name: String,
    unit_id: Option<i64>,
    unit_path: Option<String>,
    email_enc: Option<String>,
    rank: Option<String>,
    permissions: String,
}

/// 新督办 one rung about to be recorded.
#[derive(Debug, Clone, Serialize)]
pub struct NewReminder {
    pub duty: DutyKind,
    /// What the rung is unique by besides record, deadline and rung: the
    /// duty's code, or for a report `submit-report:<code>` (two reports may
    /// share a due date).
    pub subject: String,
    pub record_id: i64,
    pub due: NaiveDate,
    pub rung: Rung,
    pub unit_id: i64,
    pub title: String,
    pub note: String,
    /// Accounts told, each once.
    pub to: Vec<i64>,
    /// Where the record opens in the web app.
    pub link: String,
}

/// 站内消息 a message in an account's inbox.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Message {
    pub id: i64,
    /// remind | urge | escalate (提醒 / 催办 / 督办).
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    /// The day it was sent for (`YYYY-MM-DD`).
    pub day: String,
    /// Milliseconds since the epoch.
    pub at: i64,
    pub read_at: Option<i64>,
}

/// 投递 one delivery's row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Delivery {
    pub id: i64,
    /// mail | webhook
    pub channel: String,
    /// `user:<id>` or `webhook`.
    pub target: String,
    pub day: String,
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
}

/// A day's run as claimed: whether this caller is to compute it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayClaim {
    /// This caller runs the day.
    Mine,
    /// Another server is running it now.
    Running,
    /// Already done.
    Done,
}

impl Store {
    /// Open duties of `duty` with a deadline from `floor` to `horizon`,
    /// whose highest rung has not been sent, after (`due`, `id`) `after`;
    /// one page.
    pub async fn open_duties(
        &self,
        duty: DutyKind,
        (floor, horizon): (NaiveDate, NaiveDate),
        after: Option<(&str, i64)>,
    ) -> Result<Vec<OpenDuty>> {
        let (from, due_col, person, section, what, cond) = match duty {
            DutyKind::FileWalk => (
                "activities t",
                "t.filing_due",
                "t.created_by",
                "NULL",
                "t.date",
                "t.status = 'draft'",
            ),
            DutyKind::Rectify => (
                "problems t",
                "t.deadline",
                "t.handler_id",
                "t.section_id",
                "t.description",
                "t.status IN ('pending', 'in-progress')",
            ),
            DutyKind::Review => (
                "problems t",
                "t.review_due",
                "t.verifier_id",
                "t.section_id",
                "t.description",
                "t.status = 'closed' AND t.reviewed_on IS NULL",
            ),
            _ => return Ok(Vec::new()),
        };
        let (after_due, after_id) = after.unwrap_or(("", 0));
        let sql = format!(
            "SELECT t.id AS record_id, t.unit_id, u.name AS unit_name, t.unit_path, \
                    {due_col} AS due, {person} AS person_id, {section} AS section_id, {what} AS what \
             FROM {from} JOIN units u ON u.id = t.unit_id \
             WHERE {cond} AND {due_col} >= $6 AND {due_col} <= $1 \
               AND ({due_col} > $2 OR ({due_col} = $2 AND t.id > $3)) \
               AND NOT EXISTS (SELECT 1 FROM reminders r WHERE r.duty = $4 \
                   AND r.record_id = t.id AND r.due = {due_col} AND r.rung = 'escalate') \
             ORDER BY {due_col}, t.id LIMIT $5"
        );
        Ok(self
            .db
            .fetch_all(
                &sql,
                args![
                    horizon.to_string(),
                    after_due,
                    after_id,
                    duty.code(),
                    PAGE,
                    floor.to_string()
                ],
            )
            .await?)
    }

    /// The units that have handed in `report` for `period` (not returned).
    pub async fn submitted_units(&self, report: &str, period: Period) -> Result<BTreeSet<i64>> {
        let ids: Vec<(i64,)> = self
            .db
            .fetch_all(
                "SELECT unit_id FROM submissions WHERE report_code = $1 AND period = $2 AND status = 'submitted'",
                args![report, period.to_string()],
            )
            .await?;
        Ok(ids.into_iter().map(|(id,)| id).collect())
    }

    /// The unit paths that have plans in `period` past their draft (a plan
    /// handed in, published, carried out, cancelled or missed), within `scope`.
    pub async fn planned_paths(&self, period: Period, scope: &Scope) -> Result<Vec<String>> {
        let mut args = vec![
            period.start().to_string().into(),
            period.end().to_string().into(),
        ];
        let cond = scope.condition("unit_path", &mut args);
        // The whole tree (or its root's): the period's plans alone, from
        // their own index (migration 0022); a region below reads its own
        // plans by path.
        let index = match (self.kind(), scope.path.as_deref()) {
            (crate::Kind::Sqlite, None) => "INDEXED BY plans_period",
            (crate::Kind::Sqlite, Some(p)) if p.matches('/').count() <= 2 => {
                "INDEXED BY plans_period"
            }
            _ => "",
        };
        let rows: Vec<(String,)> = self
            .db
            .fetch_all(
                &format!(
                    "SELECT DISTINCT unit_path FROM plans {index} \
                     WHERE date >= $1 AND date <= $2 AND status <> 'draft' AND {cond}"
                ),
                args,
            )
            .await?;
        Ok(rows.into_iter().map(|(p,)| p).collect())
    }

    /// Every enabled account with its permissions, the unit it belongs to
    /// and whether it is the unit head's own account.
    pub async fn recipients(&self) -> Result<Vec<Recipient>> {
        let rows: Vec<RecipientRow> = self
            .db
            .fetch_all(
                "SELECT u.id, u.username, u.display_name, u.unit_id, un.path AS unit_path, \
                        u.email_enc, o.rank, r.permissions \
                 FROM users u \
                 JOIN user_roles ur ON ur.user_id = u.id JOIN roles r ON r.id = ur.role_id \
                 LEFT JOIN units un ON un.id = u.unit_id \
                 LEFT JOIN officials o ON o.id = u.official_id \
                 WHERE u.disabled = $1 ORDER BY u.id",
                args![false],
            )
            .await?;
        let mut out: Vec<Recipient> = Vec::new();
        for r in rows {
            let perms: Vec<String> = serde_json::from_str(&r.permissions)?;
            let perms = perms.iter().filter_map(|p| Permission::parse(p));
            if let Some(last) = out.last_mut()
                && last.id == r.id
            {
                last.permissions.extend(perms);
                continue;
            }
            out.push(Recipient {
                id: r.id,
                username: r.username,
                display_name: r.display_name,
                unit_id: r.unit_id,
                unit_path: r.unit_path,
                email: self.cipher.decrypt_opt(r.email_enc.as_deref())?,
                head: r.rank.as_deref().and_then(Rank::parse) == Some(Rank::Head),
                permissions: perms.collect(),
            });
        }
        Ok(out)
    }

    /// Claims the run of `day` for `runner`: the first to ask runs it, or
    /// whoever asks after a runner's lease ran out.
    pub async fn claim_day(&self, day: NaiveDate, runner: &str) -> Result<DayClaim> {
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        let taken = tx
            .execute(
                "INSERT INTO remind_days (day, status, runner, lease_until, started_at) \
                 VALUES ($1, 'running', $2, $3, $4) \
                 ON CONFLICT (day) DO UPDATE SET runner = $2, lease_until = $3, started_at = $4 \
                 WHERE remind_days.status = 'running' AND remind_days.lease_until < $4",
                args![day.to_string(), runner, now + LEASE_MS, now],
            )
            .await?;
        let claim = if taken == 1 {
            DayClaim::Mine
        } else {
            let status: Option<String> = tx
                .scalar(
                    "SELECT status FROM remind_days WHERE day = $1",
                    args![day.to_string()],
                )
                .await?;
            if status.as_deref() == Some("done") {
                DayClaim::Done
            } else {
                DayClaim::Running
            }
        };
        tx.commit().await?;
        Ok(claim)
    }

    /// Renews `runner`'s lease on the run of `day`, page by page of a long
    /// run: `false` when the run is no longer its own (its lease ran out and
    /// another server took the day over), and it is to stop.
    pub async fn renew_day(&self, day: NaiveDate, runner: &str) -> Result<bool> {
        let now = now_ms();
        let n = self
            .db
            .execute(
                "UPDATE remind_days SET lease_until = $1 \
                 WHERE day = $2 AND runner = $3 AND status = 'running'",
                args![now + LEASE_MS, day.to_string(), runner],
            )
            .await?;
        Ok(n == 1)
    }

    /// Whether the run of `day` has finished (its deliveries may go out).
    pub async fn day_done(&self, day: NaiveDate) -> Result<bool> {
        let status: Option<String> = self
            .db
            .scalar(
                "SELECT status FROM remind_days WHERE day = $1",
                args![day.to_string()],
            )
            .await?;
        Ok(status.as_deref() == Some("done"))
    }

    /// The run of `day` by `runner` is finished, with so many reminders.
    pub async fn finish_day(&self, day: NaiveDate, runner: &str, reminders: i64) -> Result<()> {
        self.db
            .execute(
                "UPDATE remind_days SET status = 'done', finished_at = $1, reminders = $2 \
                 WHERE day = $3 AND runner = $4",
                args![now_ms(), reminders, day.to_string(), runner],
            )
            .await?;
        Ok(())
    }

    /// Records `batch` as sent on `day`, in one transaction: each rung once
    /// (one already recorded is skipped), a message to each account told, a
    /// step on the problem's timeline for 催办 and 督办, and the day's mail
    /// digest of each account told that has an address (and the webhook's,
    /// when `webhook`). Returns the rungs recorded now. Rows go in
    /// multi-row statements: a national first run writes millions.
    pub async fn record_reminders(
        &self,
        day: NaiveDate,
        batch: &[NewReminder],
        mail_to: &BTreeSet<i64>,
        webhook: bool,
    ) -> Result<Vec<NewReminder>> {
        use crate::rows::{Batch, MessageRow, ProblemEventRow, ReminderRow, Row};
        let now = now_ms();
        let day_s = day.to_string();
        let mut tx = self.db.begin().await?;
        // Each rung once: the ids of the rows new now, by their unique key.
        let mut ids: HashMap<(String, i64, String, String), i64> = HashMap::new();
        let per = ReminderRow::TABLE.rows_per_statement();
        for chunk in batch.chunks(per) {
            let mut args = Vec::with_capacity(chunk.len() * ReminderRow::TABLE.cols.len());
            for r in chunk {
                ReminderRow {
                    duty: r.subject.clone(),
                    record_id: r.record_id,
                    due: r.due.to_string(),
                    rung: r.rung.code().to_string(),
                    day: day_s.clone(),
                    unit_id: r.unit_id,
                    title: r.title.clone(),
                    note: r.note.clone(),
                    at: now,
                }
                .args(&mut args);
            }
            let sql = format!(
                "{} ON CONFLICT (duty, record_id, due, rung) DO NOTHING \
                 RETURNING id, duty, record_id, due, rung",
                ReminderRow::TABLE.insert_sql(chunk.len(), tx.kind())
            );
            let rows: Vec<(i64, String, i64, String, String)> = tx.fetch_all(&sql, args).await?;
            for (id, duty, record, due, rung) in rows {
                ids.insert((duty, record, due, rung), id);
            }
        }
        let mut done = Vec::new();
        let mut digests = BTreeSet::new();
        let mut messages = Batch::<MessageRow>::default();
        let mut steps: Vec<&NewReminder> = Vec::new();
        for r in batch {
            let key = (
                r.subject.clone(),
                r.record_id,
                r.due.to_string(),
                r.rung.code().to_string(),
            );
            let Some(id) = ids.get(&key).copied() else {
                continue;
            };
            let title = format!("{}：{}", r.rung.label_zh(), r.title);
            for user in &r.to {
                let message = NewMessage {
                    reminder_id: Some(id),
                    kind: r.rung.code(),
                    title: &title,
                    body: &r.note,
                    link: Some(&r.link),
                    day: &day_s,
                    at: now,
                };
                messages.push(&mut tx, message.row(*user)).await?;
                if mail_to.contains(user) {
                    digests.insert(*user);
                }
            }
            if r.rung != Rung::Remind && matches!(r.duty, DutyKind::Rectify | DutyKind::Review) {
                steps.push(r);
            }
            done.push(r.clone());
        }
        messages.flush(&mut tx).await?;
        // 催办 / 督办 on the problems' timelines, by the system, each at the
        // status it stands at.
        let mut events = Batch::<ProblemEventRow>::default();
        for chunk in steps.chunks(500) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let args: Vec<crate::db::Arg> = chunk.iter().map(|r| r.record_id.into()).collect();
            let status: HashMap<i64, String> = tx
                .fetch_all::<(i64, String)>(
                    &format!(
                        "SELECT id, status FROM problems WHERE id IN ({})",
                        marks.join(", ")
                    ),
                    args,
                )
                .await?
                .into_iter()
                .collect();
            for r in chunk {
                let Some(st) = status.get(&r.record_id) else {
                    continue;
                };
                let row = ProblemEventRow {
                    problem_id: r.record_id,
                    at: now,
                    actor_id: None,
                    actor: "system:remind".into(),
                    action: r.rung.code().into(),
                    from_status: None,
                    to_status: st.clone(),
                    note: Some(r.note.clone()),
                };
                events.push(&mut tx, row).await?;
            }
        }
        events.flush(&mut tx).await?;
        for user in digests {
            queue_delivery(&mut tx, "mail", &format!("user:{user}"), &day_s, now).await?;
        }
        if webhook && !done.is_empty() {
            queue_delivery(&mut tx, "webhook", "webhook", &day_s, now).await?;
        }
        tx.commit().await?;
        Ok(done)
    }

    /// Which of the rungs of `subject` for `records` are recorded already,
    /// as (record, deadline, rung) — for a dry run, one query per 500.
    pub async fn recorded_rungs(
        &self,
        subject: &str,
        records: &[i64],
    ) -> Result<BTreeSet<(i64, String, String)>> {
        let mut out = BTreeSet::new();
        for chunk in records.chunks(500) {
            let mut args = vec![crate::db::Arg::from(subject)];
            let marks: Vec<String> = chunk
                .iter()
                .map(|id| {
                    args.push((*id).into());
                    format!("${}", args.len())
                })
                .collect();
            let rows: Vec<(i64, String, String)> = self
                .db
                .fetch_all(
                    &format!(
                        "SELECT record_id, due, rung FROM reminders WHERE duty = $1 AND record_id IN ({})",
                        marks.join(", ")
                    ),
                    args,
                )
                .await?;
            out.extend(rows);
        }
        Ok(out)
    }

    /// Whether each rung of `batch` has been recorded already (a dry run).
    pub async fn reminder_exists(&self, r: &NewReminder) -> Result<bool> {
        let n: Option<i64> = self
            .db
            .scalar(
                "SELECT COUNT(*) FROM reminders WHERE duty = $1 AND record_id = $2 AND due = $3 AND rung = $4",
                args![r.subject.clone(), r.record_id, r.due.to_string(), r.rung.code()],
            )
            .await?;
        Ok(n.unwrap_or(0) > 0)
    }

    /// Deliveries not yet sent with attempts left, oldest first.
    pub async fn deliveries_due(
        &self,
        max_attempts: i64,
        channels: &[&str],
    ) -> Result<Vec<Delivery>> {
        if channels.is_empty() {
            return Ok(Vec::new());
        }
        let mut args = vec![crate::db::Arg::from(max_attempts)];
        let marks: Vec<String> = channels
            .iter()
            .map(|c| {
                args.push((*c).into());
                format!("${}", args.len())
            })
            .collect();
        // A day's digests and summary wait for its run to finish; a notice
        // (催报, 退回) goes at once.
        Ok(self
            .db
            .fetch_all(
                &format!(
                    "SELECT d.id, d.channel, d.target, d.day, d.status, d.attempts, d.last_error \
                     FROM deliveries d LEFT JOIN remind_days r ON r.day = d.day \
                     WHERE d.status <> 'sent' AND d.attempts < $1 AND d.channel IN ({}) \
                       AND (d.channel = 'notice' OR r.status = 'done') \
                     ORDER BY d.id LIMIT 1000",
                    marks.join(", ")
                ),
                args,
            )
            .await?)
    }

    /// A message and the account it was left for (a notice to mail).
    pub async fn message_to(&self, id: i64) -> Result<Option<(i64, Message)>> {
        let user: Option<i64> = self
            .db
            .scalar("SELECT user_id FROM messages WHERE id = $1", args![id])
            .await?;
        let Some(user) = user else { return Ok(None) };
        let m: Option<Message> = self
            .db
            .fetch_optional(
                "SELECT id, kind, title, body, link, day, at, read_at FROM messages WHERE id = $1",
                args![id],
            )
            .await?;
        Ok(m.map(|m| (user, m)))
    }

    /// Takes delivery `id` for one attempt: `true` when this caller is to
    /// send it (nobody sent it, nobody is sending it within a lease).
    pub async fn claim_delivery(&self, id: i64, max_attempts: i64) -> Result<bool> {
        let now = now_ms();
        let n = self
            .db
            .execute(
                "UPDATE deliveries SET status = 'sending', attempts = attempts + 1, lease_until = $1 \
                 WHERE id = $2 AND attempts < $3 AND (status IN ('pending', 'failed') \
                   OR (status = 'sending' AND lease_until < $4))",
                args![now + LEASE_MS, id, max_attempts, now],
            )
            .await?;
        Ok(n == 1)
    }

    /// The outcome of an attempt at delivery `id`.
    pub async fn delivery_done(&self, id: i64, error: Option<&str>) -> Result<()> {
        let (status, sent_at) = match error {
            None => ("sent", Some(now_ms())),
            Some(_) => ("failed", None),
        };
        self.db
            .execute(
                "UPDATE deliveries SET status = $1, sent_at = $2, last_error = $3, lease_until = NULL WHERE id = $4",
                args![status, sent_at, error.map(str::to_string), id],
            )
            .await?;
        Ok(())
    }

    /// Every delivery of `day`, for operators and tests.
    pub async fn deliveries_of(&self, day: NaiveDate) -> Result<Vec<Delivery>> {
        Ok(self
            .db
            .fetch_all(
                "SELECT id, channel, target, day, status, attempts, last_error FROM deliveries \
                 WHERE day = $1 ORDER BY id",
                args![day.to_string()],
            )
            .await?)
    }

    /// The rungs' messages of `user` for `day` (a digest; 催报 and 退回 are
    /// mailed as notices when sent).
    pub async fn messages_of_day(&self, user: i64, day: NaiveDate) -> Result<Vec<Message>> {
        Ok(self
            .db
            .fetch_all(
                "SELECT id, kind, title, body, link, day, at, read_at FROM messages \
                 WHERE user_id = $1 AND day = $2 AND reminder_id IS NOT NULL ORDER BY id",
                args![user, day.to_string()],
            )
            .await?)
    }

    /// The rungs recorded on `day`, for the webhook's summary.
    pub async fn reminders_of_day(&self, day: NaiveDate) -> Result<Vec<(String, String, String)>> {
        Ok(self
            .db
            .fetch_all(
                "SELECT r.rung, u.name, r.title || '（' || r.note || '）' FROM reminders r \
                 JOIN units u ON u.id = r.unit_id WHERE r.day = $1 ORDER BY r.id",
                args![day.to_string()],
            )
            .await?)
    }

    /// An account's messages, newest first, and how many are unread.
    pub async fn messages(
        &self,
        user: i64,
        unread_only: bool,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<Message>, i64, i64)> {
        let filter = if unread_only {
            " AND read_at IS NULL"
        } else {
            ""
        };
        let rows = self
            .db
            .fetch_all(
                &format!(
                    "SELECT id, kind, title, body, link, day, at, read_at FROM messages \
                     WHERE user_id = $1{filter} ORDER BY id DESC LIMIT $2 OFFSET $3"
                ),
                args![user, limit, offset],
            )
            .await?;
        let total: Option<i64> = self
            .db
            .scalar(
                &format!("SELECT COUNT(*) FROM messages WHERE user_id = $1{filter}"),
                args![user],
            )
            .await?;
        Ok((rows, total.unwrap_or(0), self.unread_count(user).await?))
    }

    /// How many of an account's messages are unread.
    pub async fn unread_count(&self, user: i64) -> Result<i64> {
        let n: Option<i64> = self
            .db
            .scalar(
                "SELECT COUNT(*) FROM messages WHERE user_id = $1 AND read_at IS NULL",
                args![user],
            )
            .await?;
        Ok(n.unwrap_or(0))
    }

    /// Marks an account's message read (`None`: all of them). Another
    /// account's message is not found.
    pub async fn mark_read(&self, user: i64, id: Option<i64>) -> Result<u64> {
        let now = now_ms();
        let n = match id {
            Some(id) => {
                let n = self
                    .db
                    .execute(
                        "UPDATE messages SET read_at = COALESCE(read_at, $1) WHERE id = $2 AND user_id = $3",
                        args![now, id, user],
                    )
                    .await?;
                if n == 0 {
                    return Err(crate::StoreError::NotFound);
                }
                n
            }
            None => {
                self.db
                    .execute(
                        "UPDATE messages SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL",
                        args![now, user],
                    )
                    .await?
            }
        };
        Ok(n)
    }

    /// Sets (or clears) the address an account's digest is mailed to,
    /// sealed at rest; audited with the addresses masked.
    pub async fn set_email(&self, actor: &Actor, user: i64, email: Option<&str>) -> Result<()> {
        let sealed = self.cipher.encrypt_opt(email)?;
        let mut tx = self.db.begin().await?;
        let before: Option<Option<String>> = tx
            .scalar("SELECT email_enc FROM users WHERE id = $1", args![user])
            .await?;
        let Some(before) = before else {
            return Err(crate::StoreError::NotFound);
        };
        let before = self.cipher.decrypt_opt(before.as_deref())?;
        tx.execute(
            "UPDATE users SET email_enc = $1 WHERE id = $2",
            args![sealed, user],
        )
        .await?;
        let masked = |e: Option<&str>| serde_json::json!({ "email": e.map(mask_email) });
        crate::audit::append(
            &mut tx,
            &self.cipher,
            actor,
            crate::audit::Change {
                action: "set-email",
                entity: "user",
                entity_id: Some(user.to_string()),
                before: Some(masked(before.as_deref())),
                after: Some(masked(email)),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// An account's digest address.
    pub async fn email_of(&self, user: i64) -> Result<Option<String>> {
        let sealed: Option<Option<String>> = self
            .db
            .scalar("SELECT email_enc FROM users WHERE id = $1", args![user])
            .await?;
        Ok(self.cipher.decrypt_opt(sealed.flatten().as_deref())?)
    }

    /// The to-do entries of one account: open duties within its scope that
    /// are its to do, by what it may do. At most `limit` of each kind, the
    /// nearest deadline first.
    pub async fn todo_rows(
        &self,
        user: i64,
        unit: Option<i64>,
        scope: &Scope,
        perms: &BTreeSet<Permission>,
        limit: i64,
    ) -> Result<Vec<(DutyKind, OpenDuty)>> {
        let mut out = Vec::new();
        let mut add = |kind: DutyKind, rows: Vec<OpenDuty>| {
            out.extend(rows.into_iter().map(|r| (kind, r)));
        };
        let select = "SELECT t.id AS record_id, t.unit_id, u.name AS unit_name, t.unit_path";
        if perms.contains(&Permission::ActivityWrite) {
            let mut args = Vec::new();
            let cond = scope.condition("t.unit_path", &mut args);
            args.push(limit.into());
            let n = args.len();
            add(
                DutyKind::FileWalk,
                self.db
                    .fetch_all(
                        &format!(
                            "{select}, COALESCE(t.filing_due, t.date) AS due, t.created_by AS person_id, NULL AS section_id, t.date AS what \
                             FROM activities t JOIN units u ON u.id = t.unit_id \
                             WHERE t.status = 'draft' AND {cond} ORDER BY COALESCE(t.filing_due, t.date), t.id LIMIT ${n}"
                        ),
                        args,
                    )
                    .await?,
            );
        }
        if perms.contains(&Permission::ProblemHandle) {
            // Held by the account, or nobody's yet in its own unit: the
            // section named responsible (or the unit itself, without one).
            let mut args = vec![user.into(), unit.into()];
            let cond = scope.condition("t.unit_path", &mut args);
            args.push(limit.into());
            let n = args.len();
            add(
                DutyKind::Rectify,
                self.db
                    .fetch_all(
                        &format!(
                            "{select}, COALESCE(t.deadline, '9999-12-31') AS due, t.handler_id AS person_id, t.section_id, t.description AS what \
                             FROM problems t JOIN units u ON u.id = t.unit_id \
                             WHERE (t.handler_id = $1 OR (t.handler_id IS NULL AND COALESCE(t.section_id, t.unit_id) = $2)) \
                               AND t.status IN ('pending', 'in-progress') AND {cond} \
                             ORDER BY t.deadline IS NULL, t.deadline, t.id LIMIT ${n}"
                        ),
                        args,
                    )
                    .await?,
            );
        }
        if perms.contains(&Permission::ProblemVerify) {
            let mut args = Vec::new();
            let cond = scope.condition("t.unit_path", &mut args);
            args.push(limit.into());
            let n = args.len();
            // Nearest deadline first, read in that order (migration 0022).
            let verify_order = match self.kind() {
                crate::Kind::Sqlite => "INDEXED BY problems_verify_open",
                crate::Kind::Postgres => "",
            };
            add(
                DutyKind::Verify,
                self.db
                    .fetch_all(
                        &format!(
                            "{select}, COALESCE(t.deadline, t.found_on) AS due, t.handler_id AS person_id, t.section_id, t.description AS what \
                             FROM problems t {verify_order} JOIN units u ON u.id = t.unit_id \
                             WHERE t.status = 'awaiting-verification' AND {cond} \
                             ORDER BY t.deadline, t.id LIMIT ${n}"
                        ),
                        args,
                    )
                    .await?,
            );
            let mut args = Vec::new();
            let cond = scope.condition("t.unit_path", &mut args);
            args.push(limit.into());
            let n = args.len();
            // Nearest re-check first, read in that order (migration 0021):
            // SQLite would otherwise sort every closed problem of the scope.
            let review_order = match self.kind() {
                crate::Kind::Sqlite => "INDEXED BY problems_review_open",
                crate::Kind::Postgres => "",
            };
            add(
                DutyKind::Review,
                self.db
                    .fetch_all(
                        &format!(
                            "{select}, t.review_due AS due, t.verifier_id AS person_id, t.section_id, t.description AS what \
                             FROM problems t {review_order} JOIN units u ON u.id = t.unit_id \
                             WHERE t.status = 'closed' AND t.review_due IS NOT NULL AND t.reviewed_on IS NULL AND {cond} \
                             ORDER BY t.review_due, t.id LIMIT ${n}"
                        ),
                        args,
                    )
                    .await?,
            );
        }
        for (perm, kind, status) in [
            (Permission::PlanWrite, DutyKind::SubmitPlan, "draft"),
            (Permission::PlanPublish, DutyKind::PublishPlan, "submitted"),
        ] {
            if !perms.contains(&perm) {
                continue;
            }
            let mut args = vec![status.into()];
            let cond = scope.condition("t.unit_path", &mut args);
            args.push(limit.into());
            let n = args.len();
            add(
                kind,
                self.db
                    .fetch_all(
                        &format!(
                            "{select}, t.date AS due, t.created_by AS person_id, NULL AS section_id, t.kind AS what \
                             FROM plans t JOIN units u ON u.id = t.unit_id \
                             WHERE t.status = $1 AND {cond} ORDER BY t.date, t.id LIMIT ${n}"
                        ),
                        args,
                    )
                    .await?,
            );
        }
        Ok(out)
    }
}

/// 站内消息 one message about to be left in accounts' inboxes.
pub(crate) struct NewMessage<'a> {
    /// The rung it tells of; none for 催报 and 退回.
    pub reminder_id: Option<i64>,
    pub kind: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    pub link: Option<&'a str>,
    pub day: &'a str,
    pub at: i64,
}

impl NewMessage<'_> {
    /// The row that leaves it in the inbox of `user`: every message, one
    /// at a time or in a batch, is written through it.
    pub(crate) fn row(&self, user: i64) -> crate::rows::MessageRow {
        crate::rows::MessageRow {
            user_id: user,
            reminder_id: self.reminder_id,
            kind: self.kind.to_string(),
            title: self.title.to_string(),
            body: self.body.to_string(),
            link: self.link.map(str::to_string),
            day: self.day.to_string(),
            at: self.at,
        }
    }
}

pub(crate) async fn queue_delivery(
    tx: &mut Tx,
    channel: &str,
    target: &str,
    day: &str,
    now: i64,
) -> Result<()> {
    tx.execute(
        "INSERT INTO deliveries (channel, target, day, status, created_at) VALUES ($1, $2, $3, 'pending', $4) \
         ON CONFLICT (channel, target, day) DO NOTHING",
        args![channel, target, day, now],
    )
    .await?;
    Ok(())
}
