//! 督办 use cases: an account's to-do list (待办), the day's run of the
//! reminder ladder, and the delivery of what it sent by mail and webhook.
//!
//! The server's daily task and `zlc remind` both call [`run_day`] and then
//! [`deliver`]; the to-do page and `GET /todos` call [`todos`].

use crate::App;
use crate::error::AppError;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use zlc_domain::auth::Permission;
use zlc_domain::duty::{DutyKind, ReminderRule, Rung, due_note};
use zlc_notify::{Digest, DigestEntry, Mailer, Webhook, WebhookMessage};
use zlc_store::Scope;
use zlc_store::duty::{DayClaim, NewReminder, OpenDuty, Recipient};

/// How many entries of each kind a to-do list shows.
pub const TODO_LIMIT: i64 = 200;
/// How often a delivery is tried (a day's run and the retries after it).
pub const MAX_ATTEMPTS: i64 = 5;
/// How many characters of a problem's description a title quotes.
const TITLE_CHARS: usize = 40;

/// 待办状态 how urgent a to-do is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum TodoState {
    /// 已逾期
    Overdue,
    /// 即将到期: within the policy's reminder days.
    DueSoon,
    /// 正常
    Normal,
}

/// 待办 one thing an account has to do, with the record it opens.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Todo {
    /// file-walk | rectify | verify | review | submit-plan | publish-plan |
    /// submit-report | review-findings
    pub kind: String,
    /// 活动待报备 …
    pub kind_label: String,
    /// The record it is about; 0 for a lead office's entry about many
    /// units (the units missing a report, the findings to review).
    pub record_id: i64,
    pub title: String,
    pub unit_id: i64,
    pub unit_name: String,
    /// The deadline (YYYY-MM-DD), moved to the next working day when it falls
    /// on a day off; none when the record has none.
    pub due: Option<NaiveDate>,
    /// Working days left (negative: overdue).
    pub days_left: Option<i64>,
    /// 还剩 2 个工作日 / 今日到期 / 已逾期 3 个工作日
    pub due_note: String,
    pub state: TodoState,
    /// Where the record opens in the web app.
    pub link: String,
}

/// One account's to-do list on `today`: overdue first (the longest overdue
/// first), then those due soon, then the rest by deadline.
pub async fn todos(
    app: &App,
    user: i64,
    unit: Option<i64>,
    scope: &Scope,
    perms: &BTreeSet<Permission>,
    today: NaiveDate,
) -> Result<Vec<Todo>, AppError> {
    let policy = app.policy();
    let cal = app.calendar();
    let rule = policy.reminders;
    let rows = app
        .store
        .todo_rows(user, unit, scope, perms, TODO_LIMIT)
        .await?;
    let mut out: Vec<Todo> = rows
        .into_iter()
        .map(|(kind, r)| {
            let due = NaiveDate::parse_from_str(&r.due, "%Y-%m-%d")
                .ok()
                .filter(|d| d.to_string() != "9999-12-31");
            // Plans are due on their own date; the others climb the ladder.
            let (due, left) = match due {
                Some(d) => {
                    let l = rule.ladder(d, &cal);
                    (Some(l.due), Some(l.working_days_left(today, &cal)))
                }
                None => (None, None),
            };
            let state = match left {
                Some(n) if n < 0 => TodoState::Overdue,
                Some(n) if n <= i64::from(rule.before_working_days) => TodoState::DueSoon,
                _ => TodoState::Normal,
            };
            Todo {
                kind: kind.code().to_string(),
                kind_label: kind.label_zh().to_string(),
                record_id: r.record_id,
                title: title_of(kind, &r),
                unit_id: r.unit_id,
                unit_name: r.unit_name.clone(),
                due,
                days_left: left,
                due_note: left.map(due_note).unwrap_or_else(|| "未设时限".into()),
                state,
                link: link_of(kind, r.record_id),
            }
        })
        .collect();
    if let Some(unit) = unit
        && (perms.contains(&Permission::ProblemWrite) || perms.contains(&Permission::PlanWrite))
        && let Some(u) = app.store.reporting_unit(scope, unit).await?
    {
        let units = [u];
        let u = &units[0];
        for (owed, item, period, ladder) in owed_due(&policy, today, &cal) {
            if !perms.contains(&Directory::permission(owed.duty()))
                || owed
                    .done(app, &item, period, scope, &units)
                    .await?
                    .contains(&u.id)
            {
                continue;
            }
            out.push(owed_todo(
                owed,
                owed.link(&item, period),
                ladder.due,
                ladder.working_days_left(today, &cal),
                format!("{}{}", period.label_zh(), item.name),
                u.id,
                (u.id, u.name.clone()),
            ));
        }
    }
    if perms.contains(&Permission::FindingReview) {
        out.extend(lead_office_todos(app, unit, scope, today).await?);
    }
    out.sort_by(|a, b| {
        a.state
            .cmp(&b.state)
            .then(
                a.days_left
                    .unwrap_or(i64::MAX)
                    .cmp(&b.days_left.unwrap_or(i64::MAX)),
            )
            .then(a.record_id.cmp(&b.record_id))
    });
    Ok(out)
}

/// The to-do of a report or plan owed, due on its ladder's date: due soon
/// until then, overdue after.
fn owed_todo(
    owed: Owed,
    link: String,
    due: NaiveDate,
    left: i64,
    title: String,
    record_id: i64,
    (unit_id, unit_name): (i64, String),
) -> Todo {
    Todo {
        kind: owed.duty().code().into(),
        kind_label: owed.duty().label_zh().into(),
        record_id,
        title,
        unit_id,
        unit_name,
        due: Some(due),
        days_left: Some(left),
        due_note: due_note(left),
        state: if left < 0 {
            TodoState::Overdue
        } else {
            TodoState::DueSoon
        },
        link,
    }
}

/// A lead office's own to-dos: each report or plan owed now with the
/// units in its scope still missing it (催报 on the 报送 board), and the
/// last quarter's formalism findings while none has been reviewed.
async fn lead_office_todos(
    app: &App,
    unit: Option<i64>,
    scope: &Scope,
    today: NaiveDate,
) -> Result<Vec<Todo>, AppError> {
    let policy = app.policy();
    let cal = app.calendar();
    let mut out = Vec::new();
    let (unit_id, unit_name) = match unit {
        Some(id) => (
            id,
            app.store
                .unit(scope, id)
                .await
                .map(|u| u.name)
                .unwrap_or_default(),
        ),
        None => (0, String::new()),
    };
    let units = app.store.reporting_units(scope).await?;
    if !units.is_empty() {
        for (owed, item, period, ladder) in owed_due(&policy, today, &cal) {
            let done = owed.done(app, &item, period, scope, &units).await?;
            let missing = units.iter().filter(|u| !done.contains(&u.id)).count();
            if missing == 0 {
                continue;
            }
            out.push(owed_todo(
                owed,
                owed.link(&item, period),
                ladder.due,
                ladder.working_days_left(today, &cal),
                format!(
                    "{}{}：{missing} 个单位未{}",
                    period.label_zh(),
                    item.name,
                    owed.missing_verb()
                ),
                0,
                (unit_id, unit_name.clone()),
            ));
        }
    }
    if let Some(period) = findings_to_review(today)
        && app.store.finding_reviews(period).await?.is_empty()
    {
        out.push(Todo {
            kind: DutyKind::ReviewFindings.code().into(),
            kind_label: DutyKind::ReviewFindings.label_zh().into(),
            record_id: 0,
            title: format!("{}形式主义问题线索待审核", period.label_zh()),
            unit_id,
            unit_name,
            due: None,
            days_left: None,
            due_note: "未设时限".into(),
            state: TodoState::Normal,
            link: format!("/stats?tab=notice&period={period}"),
        });
    }
    Ok(out)
}

/// The quarter whose findings a lead office reviews on `today`: the one
/// just ended, through the first month of the next (when the quarter's
/// reports are in and its notice is drafted).
pub fn findings_to_review(today: NaiveDate) -> Option<zlc_domain::period::Period> {
    use chrono::Datelike;
    let now = zlc_domain::period::Period::quarter_of(today);
    today.month0().is_multiple_of(3).then(|| now.previous())
}

/// Checks an address a digest is mailed to: name@host.tld, no spaces, at
/// most 254 characters.
pub fn check_email(e: &str) -> Result<(), AppError> {
    let ok = e.split_once('@').is_some_and(|(local, host)| {
        e.len() <= 254
            && !local.is_empty()
            && host.contains('.')
            && !host.starts_with('.')
            && !host.ends_with('.')
            && !host.contains('@')
            && !e.chars().any(|c| c.is_whitespace() || c.is_control())
    });
    if ok {
        Ok(())
    } else {
        Err(AppError::field("email", format!("邮箱格式不正确：「{e}」")))
    }
}

fn title_of(kind: DutyKind, r: &OpenDuty) -> String {
    let what: String = r.what.chars().take(TITLE_CHARS).collect();
    let cut = if r.what.chars().count() > TITLE_CHARS {
        "…"
    } else {
        ""
    };
    match kind {
        DutyKind::FileWalk => format!("{} {} 的活动记录待报备", r.unit_name, r.what),
        DutyKind::SubmitPlan | DutyKind::PublishPlan => {
            let k = zlc_domain::kinds::ActivityKind::parse(&r.what)
                .map_or(r.what.as_str(), |k| k.label_zh());
            format!("{} {} 的{}计划", r.unit_name, r.due, k)
        }
        _ => format!("{what}{cut}"),
    }
}

fn link_of(kind: DutyKind, id: i64) -> String {
    match kind {
        DutyKind::FileWalk => format!("/activities?open={id}"),
        DutyKind::SubmitPlan | DutyKind::PublishPlan => format!("/plans?open={id}"),
        DutyKind::ReviewFindings => "/stats?tab=notice".to_string(),
        DutyKind::SubmitReport => "/submissions".to_string(),
        _ => format!("/problems?open={id}"),
    }
}

/// 督办记录 one rung as `zlc remind` prints it (one JSON line each).
#[derive(Debug, Clone, Serialize)]
pub struct ReminderLine {
    pub day: NaiveDate,
    pub duty: String,
    pub duty_label: String,
    pub record_id: i64,
    pub rung: String,
    pub rung_label: String,
    pub unit: String,
    pub title: String,
    pub due: NaiveDate,
    pub note: String,
    /// The accounts told, by name.
    pub to: Vec<String>,
    pub link: String,
}

/// What a day's run did.
#[derive(Debug)]
pub struct DayRun {
    /// Whether this caller ran the day, another server is, or it was done.
    pub claim: DayClaim,
    /// How many rungs were sent now (or, in a dry run, would be); each was
    /// handed to the caller's `emit` as it went, never held all at once.
    pub sent: usize,
}

/// One day's run: what each batch of rungs is sent with.
struct Sender<'a> {
    app: &'a App,
    day: NaiveDate,
    dry_run: bool,
    /// Accounts whose day's digest is mailed.
    mail_to: BTreeSet<i64>,
    webhook: bool,
    dir: Directory,
}

impl Sender<'_> {
    /// Records `batch` (in a dry run: keeps the rungs not yet recorded) and hands
    /// each rung sent to `emit`; returns how many.
    async fn send(
        &self,
        batch: Vec<NewReminder>,
        unit_name: &(dyn Fn(i64) -> String + Sync),
        emit: &mut (dyn FnMut(ReminderLine) + Send),
    ) -> Result<usize, AppError> {
        let Sender {
            app,
            day,
            dry_run,
            ref mail_to,
            webhook,
            ref dir,
        } = *self;
        let sent = if dry_run {
            let Some(subject) = batch.first().map(|r| r.subject.clone()) else {
                return Ok(0);
            };
            let ids: Vec<i64> = batch.iter().map(|r| r.record_id).collect();
            let done = app.store.recorded_rungs(&subject, &ids).await?;
            batch
                .into_iter()
                .filter(|r| {
                    !done.contains(&(r.record_id, r.due.to_string(), r.rung.code().to_string()))
                })
                .collect()
        } else {
            app.store
                .record_reminders(day, &batch, mail_to, webhook)
                .await?
        };
        let n = sent.len();
        for r in sent {
            emit(ReminderLine {
                day,
                duty: r.duty.code().into(),
                duty_label: r.duty.label_zh().into(),
                record_id: r.record_id,
                rung: r.rung.code().into(),
                rung_label: r.rung.label_zh().into(),
                unit: unit_name(r.unit_id),
                title: r.title,
                due: r.due,
                note: r.note,
                to: r.to.iter().map(|id| dir.name(*id)).collect(),
                link: r.link,
            });
        }
        Ok(n)
    }
}

/// 投递渠道 where the day's news goes besides the inbox.
#[derive(Debug, Clone, Default)]
pub struct Channels {
    pub mailer: Option<Mailer>,
    pub webhook: Option<Webhook>,
}

/// Who is told of each rung: the accounts, indexed by unit and by unit path
/// so that a duty finds its people without scanning every account.
struct Directory {
    by_id: BTreeMap<i64, Recipient>,
    by_unit: HashMap<i64, Vec<i64>>,
    by_path: HashMap<String, Vec<i64>>,
}

impl Directory {
    fn new(all: Vec<Recipient>) -> Self {
        let mut by_unit: HashMap<i64, Vec<i64>> = HashMap::new();
        let mut by_path: HashMap<String, Vec<i64>> = HashMap::new();
        for r in &all {
            if let Some(u) = r.unit_id {
                by_unit.entry(u).or_default().push(r.id);
            }
            if let Some(p) = &r.unit_path {
                by_path.entry(p.clone()).or_default().push(r.id);
            }
        }
        Directory {
            by_id: all.into_iter().map(|r| (r.id, r)).collect(),
            by_unit,
            by_path,
        }
    }

    fn permission(duty: DutyKind) -> Permission {
        match duty {
            DutyKind::FileWalk => Permission::ActivityWrite,
            DutyKind::Review | DutyKind::Verify => Permission::ProblemVerify,
            DutyKind::SubmitReport => Permission::ProblemWrite,
            DutyKind::SubmitPlan | DutyKind::PublishPlan => Permission::PlanWrite,
            _ => Permission::ProblemHandle,
        }
    }

    /// Those of `ids` that hold `perm`.
    fn holding(&self, ids: Option<&Vec<i64>>, perm: Permission) -> Vec<i64> {
        ids.into_iter()
            .flatten()
            .filter(|id| {
                self.by_id
                    .get(id)
                    .is_some_and(|r| r.permissions.contains(&perm))
            })
            .copied()
            .collect()
    }

    /// The person the duty is on, or else those of its section and unit who
    /// may do it, or else those nearest above it who may.
    fn responsible(&self, duty: DutyKind, d: &OpenDuty) -> Vec<i64> {
        let perm = Self::permission(duty);
        if let Some(p) = d.person_id.and_then(|id| self.by_id.get(&id))
            && p.permissions.contains(&perm)
        {
            return vec![p.id];
        }
        // The responsible section's accounts first, then the unit's.
        for unit in d.section_id.into_iter().chain([d.unit_id]) {
            let own = self.holding(self.by_unit.get(&unit), perm);
            if !own.is_empty() {
                return own;
            }
        }
        let above = self.nearest_above(d, perm);
        if !above.is_empty() {
            return above;
        }
        // Nobody in reach may do it: the lead office above is told instead,
        // so a duty never goes unseen.
        self.nearest_above(d, Permission::FindingReview)
    }

    /// Accounts with `perm` in the deepest unit at or above the record's
    /// (its materialised path `/1/5/23/` read from the end).
    fn nearest_above(&self, d: &OpenDuty, perm: Permission) -> Vec<i64> {
        let ends: Vec<usize> = d.unit_path.match_indices('/').map(|(i, _)| i).collect();
        for end in ends.into_iter().skip(1).rev() {
            let found = self.holding(self.by_path.get(&d.unit_path[..=end]), perm);
            if !found.is_empty() {
                return found;
            }
        }
        Vec::new()
    }

    fn heads(&self, unit: i64) -> impl Iterator<Item = i64> + '_ {
        self.by_unit
            .get(&unit)
            .into_iter()
            .flatten()
            .filter(|id| self.by_id.get(id).is_some_and(|r| r.head))
            .copied()
    }

    fn told(&self, duty: DutyKind, rung: Rung, d: &OpenDuty) -> Vec<i64> {
        let mut to: BTreeSet<i64> = self.responsible(duty, d).into_iter().collect();
        if rung >= Rung::Urge {
            to.extend(self.heads(d.unit_id));
        }
        if rung >= Rung::Escalate {
            to.extend(self.nearest_above(d, Permission::FindingReview));
        }
        to.into_iter().collect()
    }

    fn name(&self, id: i64) -> String {
        self.by_id
            .get(&id)
            .map_or_else(|| id.to_string(), |r| r.display_name.clone())
    }

    fn has_mail(&self, id: i64) -> bool {
        self.by_id.get(&id).is_some_and(|r| r.email.is_some())
    }
}

/// The rung `d` has reached on `day`, as a reminder to record.
fn reminder_of(
    duty: DutyKind,
    d: &OpenDuty,
    day: NaiveDate,
    rule: &ReminderRule,
    cal: &zlc_domain::calendar::WorkCalendar,
    dir: &Directory,
) -> Option<NewReminder> {
    let deadline = NaiveDate::parse_from_str(&d.due, "%Y-%m-%d").ok()?;
    let ladder = rule.ladder(deadline, cal);
    let rung = ladder.rung_on(day)?;
    let title = match duty {
        DutyKind::FileWalk => format!("{} {} 的活动记录待报备", d.unit_name, d.what),
        DutyKind::Review => format!("回头看：{}", title_of(duty, d)),
        _ => format!("问题整改：{}", title_of(duty, d)),
    };
    let note = format!(
        "{}（期限 {}）",
        due_note(ladder.working_days_left(day, cal)),
        ladder.due
    );
    Some(NewReminder {
        duty,
        subject: duty.code().to_string(),
        record_id: d.record_id,
        due: deadline,
        rung,
        unit_id: d.unit_id,
        title,
        note,
        to: dir.told(duty, rung, d),
        link: link_of(duty, d.record_id),
    })
}

/// Runs the reminder ladder of `day`: every open duty whose deadline has
/// reached a rung gets that rung once — a message to each account told, a
/// step on a problem's timeline for 催办 and 督办, and the day's digest and
/// webhook queued. With `dry_run` nothing is written and the day is not
/// claimed: the lines are what a run would send now.
pub async fn run_day(
    app: &App,
    day: NaiveDate,
    runner: &str,
    channels: &Channels,
    dry_run: bool,
    emit: &mut (dyn FnMut(ReminderLine) + Send),
) -> Result<DayRun, AppError> {
    if !dry_run {
        let claim = app.store.claim_day(day, runner).await?;
        if claim != DayClaim::Mine {
            return Ok(DayRun { claim, sent: 0 });
        }
    }
    let policy = app.policy();
    let cal = app.calendar();
    let rule = policy.reminders;
    // Deadlines from the earliest still chased to the latest already begun.
    let window = (rule.floor(day, &cal), rule.horizon(day, &cal));
    let dir = Directory::new(app.store.recipients().await?);
    let mail_to: BTreeSet<i64> = if channels.mailer.is_some() {
        dir.by_id
            .keys()
            .copied()
            .filter(|id| dir.has_mail(*id))
            .collect()
    } else {
        BTreeSet::new()
    };
    let sender = Sender {
        app,
        day,
        dry_run,
        mail_to,
        webhook: channels.webhook.is_some(),
        dir,
    };
    let dir = &sender.dir;
    let mut sent = 0;
    for duty in [DutyKind::FileWalk, DutyKind::Rectify, DutyKind::Review] {
        let mut after: Option<(String, i64)> = None;
        loop {
            if !still_mine(app, day, runner, dry_run).await? {
                return Ok(DayRun {
                    claim: DayClaim::Running,
                    sent,
                });
            }
            let page = app
                .store
                .open_duties(duty, window, after.as_ref().map(|(d, i)| (d.as_str(), *i)))
                .await?;
            let Some(last) = page.last() else { break };
            after = Some((last.due.clone(), last.record_id));
            let batch: Vec<NewReminder> = page
                .iter()
                .filter_map(|d| reminder_of(duty, d, day, &rule, &cal, dir))
                .collect();
            let names: BTreeMap<i64, String> = page
                .iter()
                .map(|d| (d.unit_id, d.unit_name.clone()))
                .collect();
            let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
            sent += sender.send(batch, &name, emit).await?;
        }
    }
    // 报送 and 计划: each report and plan the policy asks of units whose due
    // date's ladder has reached a rung today, to every unit still owing it.
    let units = app.store.reporting_units(&Scope::all()).await?;
    let names: BTreeMap<i64, String> = units.iter().map(|u| (u.id, u.name.clone())).collect();
    for (owed, item, period, ladder) in owed_due(&policy, day, &cal) {
        let Some(rung) = ladder.rung_on(day) else {
            continue;
        };
        if !still_mine(app, day, runner, dry_run).await? {
            return Ok(DayRun {
                claim: DayClaim::Running,
                sent,
            });
        }
        let done = owed.done(app, &item, period, &Scope::all(), &units).await?;
        let what = format!("{}{}", period.label_zh(), item.name);
        let duty = owed.duty();
        let batch: Vec<NewReminder> = units
            .iter()
            .filter(|u| !done.contains(&u.id))
            .map(|u| {
                let d = OpenDuty {
                    record_id: u.id,
                    unit_id: u.id,
                    unit_name: u.name.clone(),
                    unit_path: u.path.clone(),
                    due: ladder.due.to_string(),
                    person_id: None,
                    section_id: None,
                    what: what.clone(),
                };
                NewReminder {
                    duty,
                    subject: format!("{}:{}", duty.code(), item.code),
                    record_id: u.id,
                    due: ladder.due,
                    rung,
                    unit_id: u.id,
                    title: owed.title(&what),
                    note: format!(
                        "{}（期限 {}）",
                        due_note(ladder.working_days_left(day, &cal)),
                        ladder.due
                    ),
                    to: dir.told(duty, rung, &d),
                    link: owed.link(&item, period),
                }
            })
            .collect();
        let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
        sent += sender.send(batch, &name, emit).await?;
    }
    if !dry_run {
        let n = i64::try_from(sent).unwrap_or(i64::MAX);
        app.store.finish_day(day, runner, n).await?;
    }
    Ok(DayRun {
        claim: DayClaim::Mine,
        sent,
    })
}

/// Whether a run may go on: a dry run always, a real one while its lease
/// on the day holds (renewed here, page by page, so that a run longer than
/// the lease is not taken over while it is still working).
async fn still_mine(
    app: &App,
    day: NaiveDate,
    runner: &str,
    dry_run: bool,
) -> Result<bool, AppError> {
    Ok(dry_run || app.store.renew_day(day, runner).await?)
}

/// 应报事项 what a unit owes the lead office once a period: a report of
/// `[[reports]]`, or its plans of `[[plan.schedules]]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owed {
    Report,
    Plan,
}

impl Owed {
    fn duty(self) -> DutyKind {
        match self {
            Owed::Report => DutyKind::SubmitReport,
            Owed::Plan => DutyKind::SubmitPlan,
        }
    }

    fn title(self, what: &str) -> String {
        match self {
            Owed::Report => format!("材料待报送：{what}"),
            Owed::Plan => format!("计划待报送：{what}"),
        }
    }

    fn link(
        self,
        item: &zlc_domain::policy::DueItem,
        period: zlc_domain::period::Period,
    ) -> String {
        match self {
            Owed::Report => format!("/submissions?report={}&period={period}", item.code),
            Owed::Plan => "/plans".to_string(),
        }
    }

    /// What a unit that owes it has not done: 报送 a report, 提交 a plan.
    fn missing_verb(self) -> &'static str {
        match self {
            Owed::Report => "报送",
            Owed::Plan => "提交计划",
        }
    }

    /// The units that have handed it in for `period`: a report submitted, or
    /// plans of the period past their draft. `scope` holds every unit of
    /// `units`: only its plans are read.
    async fn done(
        self,
        app: &App,
        item: &zlc_domain::policy::DueItem,
        period: zlc_domain::period::Period,
        scope: &Scope,
        units: &[zlc_store::submissions::ReportingUnit],
    ) -> Result<BTreeSet<i64>, AppError> {
        Ok(match self {
            Owed::Report => app.store.submitted_units(&item.code, period).await?,
            Owed::Plan => {
                // One unit asking: only its own subtree is read.
                let scope = match units {
                    [one] => Scope::subtree(one.path.clone()),
                    _ => scope.clone(),
                };
                let mut paths = app.store.planned_paths(period, &scope).await?;
                paths.sort_unstable();
                units
                    .iter()
                    .filter(|u| any_under(&paths, &u.path))
                    .map(|u| u.id)
                    .collect()
            }
        })
    }
}

/// Whether any of the sorted unit `paths` lies under `path` (is it or a
/// descendant): the paths beginning with `path` sort together from the first
/// one not below it, so one binary search answers, whatever the number of
/// units asking (a nation's lead office asks for every department at once).
fn any_under(paths: &[String], path: &str) -> bool {
    let first = paths.partition_point(|p| p.as_str() < path);
    paths.get(first).is_some_and(|p| p.starts_with(path))
}

/// What units owe around `day` — for the period holding it, the one before
/// and the one after — whose ladder has begun and not long ended.
fn owed_due(
    policy: &zlc_domain::policy::Policy,
    day: NaiveDate,
    cal: &zlc_domain::calendar::WorkCalendar,
) -> Vec<(
    Owed,
    zlc_domain::policy::DueItem,
    zlc_domain::period::Period,
    zlc_domain::duty::Ladder,
)> {
    let rule = policy.reminders;
    let mut out = Vec::new();
    let items = policy
        .reports
        .iter()
        .map(|i| (Owed::Report, i))
        .chain(policy.plan.schedules.iter().map(|i| (Owed::Plan, i)));
    for (owed, item) in items {
        let now = zlc_domain::period::Period::of(item.period, day);
        for p in [now.previous(), now, now.next()] {
            let Some(due) = item.due_date(p) else {
                continue;
            };
            let ladder = rule.ladder(due, cal);
            if day >= ladder.remind_on && ladder.chased_on(day, &rule) {
                out.push((owed, item.clone(), p, ladder));
            }
        }
    }
    out
}

/// 投递结果 one delivery attempt, as logged.
#[derive(Debug, Clone, Serialize)]
pub struct DeliveryOutcome {
    pub channel: String,
    pub target: String,
    pub day: String,
    pub attempt: i64,
    /// None when delivered.
    pub error: Option<String>,
}

/// Sends every queued delivery of finished days that this caller can claim:
/// each person's digest of the day by mail, the day's summary to the
/// webhook. A channel that fails is marked and tried again by a later call;
/// it never stops the others.
pub async fn deliver(app: &App, channels: &Channels) -> Result<Vec<DeliveryOutcome>, AppError> {
    let mut out = Vec::new();
    // Only the channels this process can send by: another server (or an
    // operator's run with another configuration) may hold the rest.
    let mut channels_here = Vec::new();
    if channels.mailer.is_some() {
        channels_here.extend(["mail", "notice"]);
    }
    if channels.webhook.is_some() {
        channels_here.push("webhook");
    }
    for d in app
        .store
        .deliveries_due(MAX_ATTEMPTS, &channels_here)
        .await?
    {
        if !app.store.claim_delivery(d.id, MAX_ATTEMPTS).await? {
            continue;
        }
        let day = NaiveDate::parse_from_str(&d.day, "%Y-%m-%d")
            .map_err(|e| AppError::internal("投递记录的日期无效", e))?;
        let result = match d.channel.as_str() {
            "mail" => send_digest(app, channels.mailer.as_ref(), &d.target, day).await,
            "webhook" => send_webhook(app, channels.webhook.as_ref(), day).await,
            "notice" => send_notice(app, channels.mailer.as_ref(), &d.target).await,
            other => Err(format!("未知的投递渠道「{other}」")),
        };
        let error = result.err();
        if let Some(e) = &error {
            tracing::warn!(channel = %d.channel, target = %d.target, day = %d.day, attempt = d.attempts + 1, error = %e, "delivery failed");
        }
        app.store.delivery_done(d.id, error.as_deref()).await?;
        out.push(DeliveryOutcome {
            channel: d.channel,
            target: d.target,
            day: d.day,
            attempt: d.attempts + 1,
            error,
        });
    }
    Ok(out)
}

async fn send_digest(
    app: &App,
    mailer: Option<&Mailer>,
    target: &str,
    day: NaiveDate,
) -> Result<(), String> {
    let mailer = mailer.ok_or("未配置邮件服务器（notify.smtp_url）")?;
    let user: i64 = target
        .strip_prefix("user:")
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("投递对象无效「{target}」"))?;
    let account = app.store.user(user).await.map_err(|e| e.to_string())?;
    let addr = app
        .store
        .email_of(user)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("账号没有邮箱")?;
    let messages = app
        .store
        .messages_of_day(user, day)
        .await
        .map_err(|e| e.to_string())?;
    let digest = Digest {
        day,
        to_name: account.display_name,
        entries: messages
            .into_iter()
            .map(|m| DigestEntry {
                rung: Rung::parse(&m.kind).map_or(m.kind.clone(), |r| r.label_zh().into()),
                title: m.title,
                unit: String::new(),
                due: None,
                detail: m.body,
                link: m.link,
            })
            .collect(),
    };
    if digest.is_empty() {
        return Ok(());
    }
    mailer
        .send_digest(&addr, &digest)
        .await
        .map_err(|e| e.to_string())
}

/// 催报 / 退回 mailed to the one account it was left for.
async fn send_notice(app: &App, mailer: Option<&Mailer>, target: &str) -> Result<(), String> {
    let mailer = mailer.ok_or("未配置邮件服务器（notify.smtp_url）")?;
    let id: i64 = target
        .strip_prefix("message:")
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("投递对象无效「{target}」"))?;
    let Some((user, message)) = app.store.message_to(id).await.map_err(|e| e.to_string())? else {
        return Ok(());
    };
    // The address may have been cleared since: nothing to send.
    let Some(addr) = app.store.email_of(user).await.map_err(|e| e.to_string())? else {
        return Ok(());
    };
    let account = app.store.user(user).await.map_err(|e| e.to_string())?;
    let notice = zlc_notify::Notice {
        to_name: account.display_name,
        title: message.title,
        body: message.body,
        link: message.link,
    };
    mailer
        .send_notice(&addr, &notice)
        .await
        .map_err(|e| e.to_string())
}

async fn send_webhook(app: &App, webhook: Option<&Webhook>, day: NaiveDate) -> Result<(), String> {
    let webhook = webhook.ok_or("未配置 Webhook（notify.webhook_url）")?;
    let rows = app
        .store
        .reminders_of_day(day)
        .await
        .map_err(|e| e.to_string())?;
    let count = |rung: Rung| rows.iter().filter(|(r, _, _)| r == rung.code()).count();
    let mut lines: Vec<String> = Vec::new();
    for rung in [Rung::Escalate, Rung::Urge, Rung::Remind] {
        lines.extend(
            rows.iter()
                .filter(|(r, _, _)| r == rung.code())
                .map(|(_, unit, what)| format!("【{}】{unit}：{what}", rung.label_zh())),
        );
    }
    let msg = WebhookMessage {
        title: format!(
            "走流程督办 {}：督办 {} 项、催办 {} 项、提醒 {} 项",
            zlc_notify::digest::full_date(day),
            count(Rung::Escalate),
            count(Rung::Urge),
            count(Rung::Remind)
        ),
        lines,
        link: None,
    };
    webhook
        .post(&msg)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quarter_just_ended_is_reviewed_through_the_first_month_of_the_next() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        assert_eq!(
            findings_to_review(d("2024-10-08")).map(|p| p.to_string()),
            Some("2024Q3".to_string())
        );
        assert_eq!(
            findings_to_review(d("2024-01-31")).map(|p| p.to_string()),
            Some("2023Q4".to_string())
        );
        assert_eq!(findings_to_review(d("2024-11-01")), None);
        assert_eq!(findings_to_review(d("2024-09-30")), None);
    }

    #[test]
    fn a_unit_has_planned_when_it_or_a_unit_under_it_has_a_plan() {
        let mut paths: Vec<String> = ["/1/23/", "/1/2/7/", "/1/4/", "/1/4/9/"]
            .iter()
            .map(|p| p.to_string())
            .collect();
        paths.sort_unstable();
        for (unit, planned) in [
            ("/1/2/", true),    // through its office /1/2/7/
            ("/1/23/", true),   // its own plan
            ("/1/3/", false),   // /1/23/ is not under it
            ("/1/4/9/", true),  // its own
            ("/1/4/8/", false), // a sibling planned, not it
            ("/1/", true),
            ("/2/", false),
        ] {
            assert_eq!(any_under(&paths, unit), planned, "{unit}");
        }
        assert!(!any_under(&[], "/1/"));
    }

    #[test]
    fn addresses_are_checked() {
        assert!(check_email("zhang.san@example.cn").is_ok());
        for bad in [
            "zhang san@example.cn",
            "zhangsan@localhost",
            "@example.cn",
            "a@b@example.cn",
        ] {
            let Err(AppError::Invalid(e)) = check_email(bad) else {
                panic!("{bad} must be refused")
            };
            assert!(e.to_string().contains(bad), "{e}");
        }
    }

    fn recipient(id: i64, unit: i64, path: &str, perms: &[Permission]) -> Recipient {
        Recipient {
            id,
            username: format!("u{id}"),
            display_name: format!("用户{id}"),
            unit_id: Some(unit),
            unit_path: Some(path.into()),
            email: None,
            head: false,
            permissions: perms.iter().copied().collect(),
        }
    }

    #[test]
    fn a_duty_finds_its_section_then_its_unit_then_the_nearest_above() {
        let dir = Directory::new(vec![
            recipient(
                1,
                1,
                "/1/",
                &[Permission::FindingReview, Permission::ProblemWrite],
            ),
            recipient(
                2,
                5,
                "/1/5/",
                &[Permission::ProblemHandle, Permission::ProblemWrite],
            ),
            recipient(3, 23, "/1/5/23/", &[Permission::ProblemHandle]),
            recipient(4, 9, "/1/9/", &[Permission::ProblemHandle]),
        ]);
        let duty = |unit: i64, path: &str, section: Option<i64>| OpenDuty {
            record_id: 1,
            unit_id: unit,
            unit_name: String::new(),
            unit_path: path.into(),
            due: "2024-10-08".into(),
            person_id: None,
            section_id: section,
            what: String::new(),
        };
        assert_eq!(
            dir.responsible(DutyKind::Rectify, &duty(5, "/1/5/", Some(23))),
            [3]
        );
        assert_eq!(
            dir.responsible(DutyKind::Rectify, &duty(5, "/1/5/", None)),
            [2]
        );
        // A unit with nobody of its own: the nearest above who may.
        assert_eq!(
            dir.responsible(DutyKind::Rectify, &duty(50, "/1/5/50/", None)),
            [2]
        );
        // Nobody above may verify: the lead office is told.
        assert_eq!(
            dir.responsible(DutyKind::Review, &duty(50, "/1/5/50/", None)),
            [1]
        );
        // 督办 adds the lead office to the handler.
        assert_eq!(
            dir.told(
                DutyKind::Rectify,
                Rung::Escalate,
                &duty(5, "/1/5/", Some(23))
            ),
            [1, 3]
        );
        // /1/50/ is not under /1/5/.
        assert_eq!(
            dir.nearest_above(&duty(77, "/1/50/", None), Permission::ProblemHandle),
            Vec::<i64>::new()
        );
    }
}
