//! The life cycle of a problem (问题整改·挂账销号): 待整改 → 整改中 →
//! 已整改·待验收 → 已销号, and the 回头看 after closing that either holds or
//! reopens the problem (反弹).
//!
//! [`apply`] is pure: it returns the new state or says, in Chinese, why the
//! transition is refused; the caller stores the state and records the event
//! (who, when, the action) for the timeline.
//!
//! # 立行立改
//! A problem that can be fixed on the spot is submitted straight from
//! 待整改 (no separate "start"), and may be verified the same day. It still
//! passes 待验收 when the policy's life cycle has that status, so that someone
//! other than the handler signs it off.
//!
//! # Statuses the policy leaves out
//! A policy's life cycle always starts with 待整改 and ends with 已销号; 整改中
//! and 已整改·待验收 are optional. Without 整改中 there is no `start`: work
//! is submitted from 待整改, and a rejected or reopened problem goes back to
//! 待整改. Without 待验收, submitting closes the problem (there is nobody to
//! verify it).

use crate::calendar::WorkCalendar;
use crate::error::Errors;
use crate::kinds::{Disposition, ProblemStatus};
use crate::policy::{CloseField, PerfunctoryRule, Policy};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// 问题整改状态 where a problem stands in its rectification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemState {
    pub status: ProblemStatus,
    pub disposition: Disposition,
    pub found_on: NaiveDate,
    /// 整改时限.
    pub deadline: Option<NaiveDate>,
    /// 整改经办人.
    pub handler_id: Option<i64>,
    /// 整改措施.
    pub measures: Option<String>,
    /// 整改效果.
    pub effect: Option<String>,
    /// 佐证材料 attachments counted.
    pub evidence_count: u32,
    /// 需上级统筹: the higher authority named.
    pub escalated_to: Option<String>,
    /// 销号日期.
    pub closed_on: Option<NaiveDate>,
    /// 回头看 due date; `None` when none is pending.
    pub review_due: Option<NaiveDate>,
    /// 反弹次数 times a review reopened it.
    pub reopen_count: u32,
    /// 验收人.
    pub verifier_id: Option<i64>,
}

/// 整改操作 one step in a problem's life cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "kebab-case", deny_unknown_fields)]
pub enum ProblemAction {
    /// 开始整改 待整改 → 整改中, naming the handler.
    Start { handler_id: i64 },
    /// 提交整改 整改中 → 已整改·待验收 (立行立改: also from 待整改). `by`
    /// signs for the rectification and becomes its handler; `today` is the
    /// closing date when the policy has no 待验收 step.
    Submit {
        by: i64,
        measures: Option<String>,
        effect: Option<String>,
        evidence_count: u32,
        today: NaiveDate,
    },
    /// 验收销号 已整改·待验收 → 已销号.
    Verify { verifier_id: i64, today: NaiveDate },
    /// 退回 已整改·待验收 → 整改中.
    Reject { reason: String },
    /// 回头看 on a closed problem: holds (stays closed) or reopens (反弹).
    Review {
        holds: bool,
        today: NaiveDate,
        note: Option<String>,
    },
    /// 调整整改时限.
    SetDeadline { deadline: NaiveDate },
}

impl ProblemAction {
    /// The action's code, as [`allowed_actions`] lists them.
    pub fn code(&self) -> &'static str {
        match self {
            ProblemAction::Start { .. } => "start",
            ProblemAction::Submit { .. } => "submit",
            ProblemAction::Verify { .. } => "verify",
            ProblemAction::Reject { .. } => "reject",
            ProblemAction::Review { .. } => "review",
            ProblemAction::SetDeadline { .. } => "set-deadline",
        }
    }

    /// What the action does, in Chinese, for "cannot …" messages.
    fn verb_zh(&self) -> &'static str {
        match self {
            ProblemAction::Start { .. } => "开始整改",
            ProblemAction::Submit { .. } => "提交整改",
            ProblemAction::Verify { .. } => "验收销号",
            ProblemAction::Reject { .. } => "退回整改",
            ProblemAction::Review { .. } => "开展回头看",
            ProblemAction::SetDeadline { .. } => "调整整改时限",
        }
    }
}

/// 状态变更错误 why a transition is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TransitionError {
    /// The field at fault, when one is.
    pub field: Option<String>,
    /// Why, in Chinese.
    pub message: String,
}

impl TransitionError {
    fn new(message: impl Into<String>) -> Self {
        Self {
            field: None,
            message: message.into(),
        }
    }

    fn field(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: Some(field.to_string()),
            message: message.into(),
        }
    }
}

impl fmt::Display for TransitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "字段 {field}：{}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for TransitionError {}

/// A new problem in 待整改: the disposition must be one the policy uses; 限期整改
/// (and 立行立改) without a deadline get the policy's default; 需上级统筹 must
/// name the higher authority in `escalated_to`.
pub fn new_problem(
    policy: &Policy,
    cal: &WorkCalendar,
    disposition: Disposition,
    found_on: NaiveDate,
    deadline: Option<NaiveDate>,
    escalated_to: Option<String>,
) -> Result<ProblemState, Errors> {
    let rule = &policy.rectification;
    let mut errs = Errors::default();
    if !rule.dispositions.contains(&disposition) {
        let allowed: Vec<&str> = rule.dispositions.iter().map(|d| d.label_zh()).collect();
        errs.push(
            "disposition",
            format!(
                "本地规则不采用「{}」处置方式，可选：{}",
                disposition.label_zh(),
                allowed.join("、")
            ),
        );
    }
    let escalated_to = non_empty(escalated_to);
    if disposition == Disposition::Escalate && escalated_to.is_none() {
        errs.push("escalated_to", "需上级统筹的问题须写明统筹解决的上级部门");
    }
    if let Some(dl) = deadline
        && dl < found_on
    {
        errs.push("deadline", format!("整改时限 {dl} 早于发现日期 {found_on}"));
    }
    errs.into_result()?;
    Ok(ProblemState {
        status: ProblemStatus::Pending,
        disposition,
        found_on,
        deadline: deadline.or_else(|| rule.default_deadline(found_on, disposition, cal)),
        handler_id: None,
        measures: None,
        effect: None,
        evidence_count: 0,
        escalated_to,
        closed_on: None,
        review_due: None,
        reopen_count: 0,
        verifier_id: None,
    })
}

/// The state of a problem read from a unit's own ledger (台账导入): what the
/// rectification columns say (see [`crate::sheets::rectified`]), under the
/// policy's words. A problem closed on the day it was found was 立行立改;
/// others were 限期整改 (or the policy's first disposition). A closed one is
/// due its 回头看 as the policy says; one without a deadline gets the
/// policy's default.
pub fn imported(
    policy: &Policy,
    cal: &WorkCalendar,
    found_on: NaiveDate,
    rectified: crate::sheets::Rectified,
    measures: Option<String>,
    effect: Option<String>,
) -> ProblemState {
    use crate::sheets::Rectified;
    let rule = &policy.rectification;
    let pick = |d: Disposition| {
        if rule.dispositions.contains(&d) {
            d
        } else {
            rule.dispositions.first().copied().unwrap_or(d)
        }
    };
    let mut s = ProblemState {
        status: ProblemStatus::Pending,
        disposition: pick(Disposition::Deadline),
        found_on,
        deadline: None,
        handler_id: None,
        measures: non_empty(measures),
        effect: non_empty(effect),
        evidence_count: 0,
        escalated_to: None,
        closed_on: None,
        review_due: None,
        reopen_count: 0,
        verifier_id: None,
    };
    match rectified {
        Rectified::Closed(d) => {
            let d = d.max(found_on);
            if d == found_on {
                s.disposition = pick(Disposition::Immediate);
            }
            s.status = ProblemStatus::Closed;
            s.deadline = Some(d);
            s.closed_on = Some(d);
            s.review_due = Some(rule.review_date(d));
        }
        Rectified::InProgress(d) => {
            s.status = working_status(policy);
            s.deadline = Some(d.max(found_on));
        }
        Rectified::Pending => {
            s.deadline = rule.default_deadline(found_on, s.disposition, cal);
        }
    }
    s
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// Whether the policy's life cycle has 整改中.
fn uses_in_progress(policy: &Policy) -> bool {
    policy
        .rectification
        .statuses
        .contains(&ProblemStatus::InProgress)
}

/// Where work on a problem goes on: 整改中, or 待整改 when the policy has no 整改中.
fn working_status(policy: &Policy) -> ProblemStatus {
    if uses_in_progress(policy) {
        ProblemStatus::InProgress
    } else {
        ProblemStatus::Pending
    }
}

/// Whether a problem in `status` may be submitted.
fn can_submit_from(policy: &Policy, state: &ProblemState) -> bool {
    match state.status {
        ProblemStatus::InProgress => true,
        ProblemStatus::Pending => {
            state.disposition == Disposition::Immediate || !uses_in_progress(policy)
        }
        _ => false,
    }
}

/// Applies `action` to `state` under the policy; the new state, or why not.
pub fn apply(
    policy: &Policy,
    cal: &WorkCalendar,
    state: &ProblemState,
    action: &ProblemAction,
) -> Result<ProblemState, TransitionError> {
    let rule = &policy.rectification;
    let wrong_status = || {
        TransitionError::new(format!(
            "状态为「{}」的问题不能{}",
            state.status.label_zh(),
            action.verb_zh()
        ))
    };
    let mut next = state.clone();
    match action {
        ProblemAction::Start { handler_id } => {
            if state.status != ProblemStatus::Pending || !uses_in_progress(policy) {
                return Err(wrong_status());
            }
            next.status = ProblemStatus::InProgress;
            next.handler_id = Some(*handler_id);
        }
        ProblemAction::Submit {
            by,
            measures,
            effect,
            evidence_count,
            today,
        } => {
            if !can_submit_from(policy, state) {
                let mut e = wrong_status();
                if state.status == ProblemStatus::Pending {
                    e.message.push_str("：须先开始整改（立行立改的问题除外）");
                }
                return Err(e);
            }
            let measures = non_empty(measures.clone());
            let effect = non_empty(effect.clone());
            check_close_fields(
                policy,
                measures.as_deref(),
                effect.as_deref(),
                *evidence_count,
            )?;
            next.handler_id = Some(*by);
            next.measures = measures;
            next.effect = effect;
            next.evidence_count = *evidence_count;
            if rule.needs_verification() {
                next.status = ProblemStatus::AwaitingVerification;
            } else {
                close(policy, &mut next, *today);
            }
        }
        ProblemAction::Verify { verifier_id, today } => {
            if state.status != ProblemStatus::AwaitingVerification {
                return Err(wrong_status());
            }
            if rule.verifier_distinct && state.handler_id == Some(*verifier_id) {
                return Err(TransitionError::field(
                    "verifier_id",
                    "验收人不能是整改经办人本人",
                ));
            }
            if *today < state.found_on {
                return Err(TransitionError::field(
                    "today",
                    format!("验收日期 {today} 早于发现日期 {}", state.found_on),
                ));
            }
            next.verifier_id = Some(*verifier_id);
            close(policy, &mut next, *today);
        }
        ProblemAction::Reject { reason } => {
            if state.status != ProblemStatus::AwaitingVerification {
                return Err(wrong_status());
            }
            if reason.trim().is_empty() {
                return Err(TransitionError::field("reason", "退回整改须说明理由"));
            }
            next.status = working_status(policy);
        }
        ProblemAction::Review { holds, today, note } => {
            if state.status != ProblemStatus::Closed {
                let mut e = wrong_status();
                e.message.push_str("：回头看只针对已销号的问题");
                return Err(e);
            }
            if let Some(closed) = state.closed_on
                && *today < closed
            {
                return Err(TransitionError::field(
                    "today",
                    format!("回头看日期 {today} 早于销号日期 {closed}"),
                ));
            }
            if *holds {
                // Reviewed: nothing more is due until someone plans another.
                next.review_due = None;
            } else {
                if non_empty(note.clone()).is_none() {
                    return Err(TransitionError::field("note", "问题反弹须说明反弹情况"));
                }
                // 反弹: back to work with a fresh default deadline from the
                // review day (the old one was met when it closed).
                next.status = working_status(policy);
                next.reopen_count = state.reopen_count.saturating_add(1);
                next.closed_on = None;
                next.review_due = None;
                next.verifier_id = None;
                if let Some(dl) = rule.default_deadline(*today, state.disposition, cal) {
                    next.deadline = Some(dl);
                }
            }
        }
        ProblemAction::SetDeadline { deadline } => {
            if state.status == ProblemStatus::Closed {
                return Err(wrong_status());
            }
            if *deadline < state.found_on {
                return Err(TransitionError::field(
                    "deadline",
                    format!("整改时限 {deadline} 早于发现日期 {}", state.found_on),
                ));
            }
            next.deadline = Some(*deadline);
        }
    }
    Ok(next)
}

/// 销号: closed today, 回头看 due after the policy's days.
fn close(policy: &Policy, s: &mut ProblemState, today: NaiveDate) {
    s.status = ProblemStatus::Closed;
    s.closed_on = Some(today);
    s.review_due = Some(policy.rectification.review_date(today));
}

/// What closing needs (`close_requires`), and that measures and effect say
/// something concrete (`formalism.perfunctory_rectification`).
fn check_close_fields(
    policy: &Policy,
    measures: Option<&str>,
    effect: Option<&str>,
    evidence_count: u32,
) -> Result<(), TransitionError> {
    let req = &policy.rectification.close_requires;
    let need_measures = req.contains(&CloseField::Measures) && measures.is_none();
    let need_effect = req.contains(&CloseField::Effect) && effect.is_none();
    let need_evidence = req.contains(&CloseField::Evidence) && evidence_count == 0;
    if need_measures || need_effect || need_evidence {
        let mut texts: Vec<&str> = Vec::new();
        if need_measures {
            texts.push("整改措施");
        }
        if need_effect {
            texts.push("整改效果");
        }
        let mut msg = String::from("销号须");
        if !texts.is_empty() {
            msg.push_str("填写");
            msg.push_str(&texts.join("、"));
        }
        if need_evidence {
            msg.push_str(if texts.is_empty() {
                "上传佐证材料"
            } else {
                "并上传佐证材料"
            });
        }
        let field = if need_measures {
            "measures"
        } else if need_effect {
            "effect"
        } else {
            "evidence"
        };
        return Err(TransitionError::field(field, msg));
    }

    check_rectification_texts(policy, measures, effect)
}

/// 整改措施/整改效果 that say nothing concrete are refused, wherever they come
/// from: the close form, and a table imported with the problem closed.
/// `Err` names the field (`measures` or `effect`) and says why.
pub fn check_rectification_texts(
    policy: &Policy,
    measures: Option<&str>,
    effect: Option<&str>,
) -> Result<(), TransitionError> {
    let rule = &policy.formalism.perfunctory_rectification;
    if let Some(m) = measures
        && thin(rule, m, rule.min_measures_chars)
    {
        return Err(TransitionError::field(
            "measures",
            vague_message(rule, "整改措施", m, "具体做法", rule.min_measures_chars),
        ));
    }
    if let Some(e) = effect
        && thin(rule, e, rule.min_effect_chars)
    {
        return Err(TransitionError::field(
            "effect",
            vague_message(rule, "整改效果", e, "解决效果", rule.min_effect_chars),
        ));
    }
    Ok(())
}

/// Whether one text is too thin to accept: the policy's test of set phrases
/// and length, waived when the text names a concrete change.
fn thin(rule: &PerfunctoryRule, text: &str, min_chars: u32) -> bool {
    rule.is_thin(text, min_chars)
}

fn vague_message(rule: &PerfunctoryRule, what: &str, text: &str, say: &str, min: u32) -> String {
    let examples: Vec<String> = rule
        .vague_phrases
        .iter()
        .take(2)
        .map(|p| format!("「{p}」"))
        .collect();
    let mut msg = format!("{what}「{text}」不够具体：须写明{say}，不少于 {min} 个字");
    if !examples.is_empty() {
        msg.push_str(&format!("，不能只写{}等", examples.join("")));
    }
    msg
}

/// The actions the UI may offer `actor_id` on `state`, as codes (`start`,
/// `submit`, `verify`, `reject`, `review`, `set-deadline`). `can_handle`:
/// the actor works the rectification (责任科室经办人); `can_verify`: the
/// actor signs off, reviews and sets deadlines (牵头单位). The handler of a
/// problem is never offered its verification when the policy forbids it.
pub fn allowed_actions(
    policy: &Policy,
    state: &ProblemState,
    actor_id: i64,
    can_handle: bool,
    can_verify: bool,
) -> Vec<&'static str> {
    let mut out = Vec::new();
    let may_verify = can_verify
        && !(policy.rectification.verifier_distinct && state.handler_id == Some(actor_id));
    match state.status {
        ProblemStatus::Pending => {
            if can_handle && uses_in_progress(policy) {
                out.push("start");
            }
            if can_handle && can_submit_from(policy, state) {
                out.push("submit");
            }
        }
        ProblemStatus::InProgress => {
            if can_handle {
                out.push("submit");
            }
        }
        ProblemStatus::AwaitingVerification => {
            if may_verify {
                out.push("verify");
                out.push("reject");
            }
        }
        ProblemStatus::Closed => {
            if can_verify {
                out.push("review");
            }
        }
    }
    if can_verify && state.status != ProblemStatus::Closed {
        out.push("set-deadline");
    }
    out
}

/// 逾期 not rectified and past its deadline: a rectification submitted and
/// waiting for the verifier (已整改·待验收) is the verifier's turn, not overdue.
/// The statistics count overdue problems by the same rule.
pub fn is_overdue(state: &ProblemState, today: NaiveDate) -> bool {
    matches!(
        state.status,
        ProblemStatus::Pending | ProblemStatus::InProgress
    ) && state.deadline.is_some_and(|d| today > d)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a panic is how a test reports failure
mod tests {
    use super::*;
    use crate::policy::preset;

    const HANDLER: i64 = 7;
    const VERIFIER: i64 = 9;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn cal() -> &'static WorkCalendar {
        WorkCalendar::builtin()
    }

    fn submit(measures: &str, effect: &str, evidence: u32, today: &str) -> ProblemAction {
        ProblemAction::Submit {
            by: HANDLER,
            measures: Some(measures.to_string()),
            effect: Some(effect.to_string()),
            evidence_count: evidence,
            today: d(today),
        }
    }

    fn good_submit(today: &str) -> ProblemAction {
        submit(
            "将营业执照与食品经营许可证合并受理，取消重复提交的身份证明材料",
            "办理时限由 3 个工作日压缩为当日办结",
            2,
            today,
        )
    }

    /// A 限期整改 problem under `policy`, found on 2024-03-05, in 整改中.
    fn in_progress(policy: &Policy) -> ProblemState {
        let p = new_problem(
            policy,
            cal(),
            Disposition::Deadline,
            d("2024-03-05"),
            None,
            None,
        )
        .unwrap();
        apply(
            policy,
            cal(),
            &p,
            &ProblemAction::Start {
                handler_id: HANDLER,
            },
        )
        .unwrap()
    }

    fn closed(policy: &Policy) -> ProblemState {
        let s = apply(
            policy,
            cal(),
            &in_progress(policy),
            &good_submit("2024-03-20"),
        )
        .unwrap();
        apply(
            policy,
            cal(),
            &s,
            &ProblemAction::Verify {
                verifier_id: VERIFIER,
                today: d("2024-03-22"),
            },
        )
        .unwrap()
    }

    #[test]
    fn a_deadline_problem_gets_the_default_deadline_in_working_days() {
        // Arrange: 003 gives 30 working days; found just before National Day 2024.
        let policy = preset("003").unwrap().policy();

        // Act
        let p = new_problem(
            &policy,
            cal(),
            Disposition::Deadline,
            d("2024-09-27"),
            None,
            None,
        )
        .unwrap();

        // Assert
        assert_eq!(p.status, ProblemStatus::Pending);
        assert_eq!(
            p.deadline,
            Some(cal().add_working_days(d("2024-09-27"), 30))
        );
        // Counted by hand: 09-29 and 10-12 are make-up workdays, 10-01..07 off.
        assert_eq!(p.deadline, Some(d("2024-11-13")));
    }

    #[test]
    fn a_given_deadline_is_kept_and_must_not_precede_the_finding() {
        // Arrange
        let policy = preset("003").unwrap().policy();

        // Act
        let kept = new_problem(
            &policy,
            cal(),
            Disposition::Deadline,
            d("2024-03-05"),
            Some(d("2024-04-30")),
            None,
        )
        .unwrap();
        let errs = new_problem(
            &policy,
            cal(),
            Disposition::Deadline,
            d("2024-03-05"),
            Some(d("2024-03-01")),
            None,
        )
        .unwrap_err();

        // Assert
        assert_eq!(kept.deadline, Some(d("2024-04-30")));
        assert_eq!(errs.0[0].field, "deadline");
        assert_eq!(
            errs.0[0].message,
            "整改时限 2024-03-01 早于发现日期 2024-03-05"
        );
    }

    #[test]
    fn escalation_needs_the_higher_authority_and_a_policy_that_allows_it() {
        // Arrange: 001 allows 需上级统筹; 003 does not.
        let p001 = preset("001").unwrap().policy();
        let p003 = preset("003").unwrap().policy();

        // Act
        let missing = new_problem(
            &p001,
            cal(),
            Disposition::Escalate,
            d("2024-05-06"),
            None,
            Some("  ".into()),
        )
        .unwrap_err();
        let ok = new_problem(
            &p001,
            cal(),
            Disposition::Escalate,
            d("2024-05-06"),
            None,
            Some("枣庄市行政审批服务局".into()),
        )
        .unwrap();
        let not_local = new_problem(
            &p003,
            cal(),
            Disposition::Escalate,
            d("2024-05-06"),
            None,
            Some("西安市行政审批服务局".into()),
        )
        .unwrap_err();

        // Assert
        assert_eq!(missing.0.len(), 1);
        assert_eq!(missing.0[0].field, "escalated_to");
        assert_eq!(
            missing.0[0].message,
            "需上级统筹的问题须写明统筹解决的上级部门"
        );
        assert_eq!(ok.escalated_to.as_deref(), Some("枣庄市行政审批服务局"));
        assert_eq!(ok.deadline, None);
        assert_eq!(not_local.0[0].field, "disposition");
        assert_eq!(
            not_local.0[0].message,
            "本地规则不采用「需上级统筹」处置方式，可选：立行立改、限期整改"
        );
    }

    #[test]
    fn the_full_loop_start_submit_verify() {
        // Arrange
        let policy = preset("004").unwrap().policy();
        let p = new_problem(
            &policy,
            cal(),
            Disposition::Deadline,
            d("2023-03-06"),
            None,
            None,
        )
        .unwrap();

        // Act
        let s1 = apply(
            &policy,
            cal(),
            &p,
            &ProblemAction::Start {
                handler_id: HANDLER,
            },
        )
        .unwrap();
        let s2 = apply(&policy, cal(), &s1, &good_submit("2023-03-20")).unwrap();
        let s3 = apply(
            &policy,
            cal(),
            &s2,
            &ProblemAction::Verify {
                verifier_id: VERIFIER,
                today: d("2023-03-21"),
            },
        )
        .unwrap();

        // Assert
        assert_eq!(s1.status, ProblemStatus::InProgress);
        assert_eq!(s1.handler_id, Some(HANDLER));
        assert_eq!(s2.status, ProblemStatus::AwaitingVerification);
        assert_eq!(s2.evidence_count, 2);
        assert_eq!(s3.status, ProblemStatus::Closed);
        assert_eq!(s3.closed_on, Some(d("2023-03-21")));
        // 004: review 90 days after closing.
        assert_eq!(s3.review_due, Some(d("2023-06-19")));
        assert_eq!(s3.verifier_id, Some(VERIFIER));
    }

    #[test]
    fn the_handler_cannot_verify_their_own_fix() {
        // Arrange
        let policy = preset("003").unwrap().policy();
        let s = apply(
            &policy,
            cal(),
            &in_progress(&policy),
            &good_submit("2024-03-20"),
        )
        .unwrap();

        // Act
        let e = apply(
            &policy,
            cal(),
            &s,
            &ProblemAction::Verify {
                verifier_id: HANDLER,
                today: d("2024-03-21"),
            },
        )
        .unwrap_err();

        // Assert
        assert_eq!(e.field.as_deref(), Some("verifier_id"));
        assert_eq!(e.message, "验收人不能是整改经办人本人");
    }

    #[test]
    fn closing_without_measures_effect_and_evidence_is_refused() {
        // Arrange: 004 needs all three.
        let policy = preset("004").unwrap().policy();
        let s = in_progress(&policy);
        let nothing = ProblemAction::Submit {
            by: HANDLER,
            measures: None,
            effect: Some(" ".into()),
            evidence_count: 0,
            today: d("2024-03-20"),
        };
        let no_evidence = submit(
            "在大厅设置帮办代办专窗，安排专人引导企业填表",
            "企业平均等候时间缩短一半",
            0,
            "2024-03-20",
        );

        // Act
        let e1 = apply(&policy, cal(), &s, &nothing).unwrap_err();
        let e2 = apply(&policy, cal(), &s, &no_evidence).unwrap_err();

        // Assert
        assert_eq!(e1.field.as_deref(), Some("measures"));
        assert_eq!(e1.message, "销号须填写整改措施、整改效果并上传佐证材料");
        assert_eq!(e2.field.as_deref(), Some("evidence"));
        assert_eq!(e2.message, "销号须上传佐证材料");
    }

    #[test]
    fn close_requirements_come_from_the_policy() {
        // Arrange: 001 needs only measures, and no effect length.
        let policy = preset("001").unwrap().policy();
        let s = in_progress(&policy);
        let measures_only = ProblemAction::Submit {
            by: HANDLER,
            measures: Some("增设自助填表终端两台并安排专人现场指导".into()),
            effect: None,
            evidence_count: 0,
            today: d("2024-03-20"),
        };

        // Act
        let r = apply(&policy, cal(), &s, &measures_only).unwrap();

        // Assert
        assert_eq!(r.status, ProblemStatus::AwaitingVerification);
        assert_eq!(r.effect, None);
    }

    #[test]
    fn perfunctory_measures_or_effect_are_refused() {
        // Arrange
        let policy = preset("004").unwrap().policy();
        let s = in_progress(&policy);
        let vague = submit("已整改", "群众满意度明显提升", 1, "2024-03-20");
        let thin_effect = submit(
            "在大厅设置帮办代办专窗，安排专人引导企业填表",
            "已解决。",
            1,
            "2024-03-20",
        );

        // Act
        let e1 = apply(&policy, cal(), &s, &vague).unwrap_err();
        let e2 = apply(&policy, cal(), &s, &thin_effect).unwrap_err();

        // Assert
        assert_eq!(e1.field.as_deref(), Some("measures"));
        assert_eq!(
            e1.message,
            "整改措施「已整改」不够具体：须写明具体做法，不少于 10 个字，不能只写「已整改」「已解决」等"
        );
        assert_eq!(e2.field.as_deref(), Some("effect"));
        assert!(
            e2.message.starts_with("整改效果「已解决。」不够具体"),
            "{}",
            e2.message
        );
    }

    #[test]
    fn nothing_is_submitted_or_started_from_closed() {
        // Arrange
        let policy = preset("003").unwrap().policy();
        let s = closed(&policy);

        // Act
        let e1 = apply(&policy, cal(), &s, &good_submit("2024-04-01")).unwrap_err();
        let e2 = apply(&policy, cal(), &s, &ProblemAction::Start { handler_id: 1 }).unwrap_err();
        let e3 = apply(
            &policy,
            cal(),
            &s,
            &ProblemAction::SetDeadline {
                deadline: d("2024-05-01"),
            },
        )
        .unwrap_err();

        // Assert
        assert_eq!(e1.message, "状态为「已销号」的问题不能提交整改");
        assert_eq!(e1.field, None);
        assert_eq!(e2.message, "状态为「已销号」的问题不能开始整改");
        assert_eq!(e3.message, "状态为「已销号」的问题不能调整整改时限");
    }

    #[test]
    fn a_deadline_problem_must_be_started_before_it_is_submitted() {
        // Arrange
        let policy = preset("003").unwrap().policy();
        let p = new_problem(
            &policy,
            cal(),
            Disposition::Deadline,
            d("2024-03-05"),
            None,
            None,
        )
        .unwrap();

        // Act
        let e = apply(&policy, cal(), &p, &good_submit("2024-03-05")).unwrap_err();

        // Assert
        assert_eq!(
            e.message,
            "状态为「待整改」的问题不能提交整改：须先开始整改（立行立改的问题除外）"
        );
    }

    #[test]
    fn an_immediate_fix_closes_the_same_day() {
        // Arrange: 001 当场解决 — 0 working days, found on Monday 2024-05-06.
        let policy = preset("001").unwrap().policy();
        let p = new_problem(
            &policy,
            cal(),
            Disposition::Immediate,
            d("2024-05-06"),
            None,
            None,
        )
        .unwrap();

        // Act
        let s = apply(&policy, cal(), &p, &good_submit("2024-05-06")).unwrap();
        let c = apply(
            &policy,
            cal(),
            &s,
            &ProblemAction::Verify {
                verifier_id: VERIFIER,
                today: d("2024-05-06"),
            },
        )
        .unwrap();

        // Assert
        assert_eq!(p.deadline, Some(d("2024-05-06")));
        assert_eq!(s.status, ProblemStatus::AwaitingVerification);
        assert_eq!(s.handler_id, Some(HANDLER), "the submitter is the handler");
        assert_eq!(c.status, ProblemStatus::Closed);
        assert_eq!(c.closed_on, Some(d("2024-05-06")));
        assert!(!is_overdue(&c, d("2024-06-01")));
    }

    #[test]
    fn the_submitter_of_an_immediate_fix_cannot_verify_it() {
        // Arrange
        let policy = preset("001").unwrap().policy();
        let p = new_problem(
            &policy,
            cal(),
            Disposition::Immediate,
            d("2024-05-06"),
            None,
            None,
        )
        .unwrap();
        let s = apply(&policy, cal(), &p, &good_submit("2024-05-06")).unwrap();

        // Act
        let e = apply(
            &policy,
            cal(),
            &s,
            &ProblemAction::Verify {
                verifier_id: HANDLER,
                today: d("2024-05-06"),
            },
        )
        .unwrap_err();

        // Assert
        assert_eq!(e.message, "验收人不能是整改经办人本人");
    }

    #[test]
    fn a_rejected_fix_goes_back_to_work_with_a_reason() {
        // Arrange
        let policy = preset("003").unwrap().policy();
        let s = apply(
            &policy,
            cal(),
            &in_progress(&policy),
            &good_submit("2024-03-20"),
        )
        .unwrap();

        // Act
        let no_reason = apply(
            &policy,
            cal(),
            &s,
            &ProblemAction::Reject {
                reason: "  ".into(),
            },
        )
        .unwrap_err();
        let back = apply(
            &policy,
            cal(),
            &s,
            &ProblemAction::Reject {
                reason: "佐证材料与整改措施不符".into(),
            },
        )
        .unwrap();
        let twice = apply(
            &policy,
            cal(),
            &back,
            &ProblemAction::Reject {
                reason: "再退".into(),
            },
        )
        .unwrap_err();

        // Assert
        assert_eq!(no_reason.field.as_deref(), Some("reason"));
        assert_eq!(back.status, ProblemStatus::InProgress);
        assert_eq!(twice.message, "状态为「整改中」的问题不能退回整改");
    }

    #[test]
    fn a_review_that_holds_keeps_it_closed() {
        // Arrange
        let policy = preset("003").unwrap().policy();
        let c = closed(&policy);

        // Act
        let r = apply(
            &policy,
            cal(),
            &c,
            &ProblemAction::Review {
                holds: true,
                today: d("2024-06-20"),
                note: None,
            },
        )
        .unwrap();

        // Assert
        assert_eq!(r.status, ProblemStatus::Closed);
        assert_eq!(r.closed_on, Some(d("2024-03-22")));
        assert_eq!(r.review_due, None);
        assert_eq!(r.reopen_count, 0);
    }

    #[test]
    fn a_review_that_finds_a_rebound_reopens_it() {
        // Arrange
        let policy = preset("003").unwrap().policy();
        let c = closed(&policy);
        let rebound = |note: Option<&str>| ProblemAction::Review {
            holds: false,
            today: d("2024-06-20"),
            note: note.map(String::from),
        };

        // Act
        let no_note = apply(&policy, cal(), &c, &rebound(None)).unwrap_err();
        let r = apply(
            &policy,
            cal(),
            &c,
            &rebound(Some("排队时长又回到 1 小时以上")),
        )
        .unwrap();

        // Assert
        assert_eq!(no_note.field.as_deref(), Some("note"));
        assert_eq!(no_note.message, "问题反弹须说明反弹情况");
        assert_eq!(r.status, ProblemStatus::InProgress);
        assert_eq!(r.reopen_count, 1);
        assert_eq!(r.closed_on, None);
        assert_eq!(r.review_due, None);
        assert_eq!(r.verifier_id, None);
        assert_eq!(
            r.deadline,
            Some(cal().add_working_days(d("2024-06-20"), 30))
        );
        assert!(!is_overdue(&r, d("2024-06-21")));
    }

    #[test]
    fn review_on_an_open_problem_or_before_closing_is_refused() {
        // Arrange
        let policy = preset("003").unwrap().policy();
        let open = in_progress(&policy);
        let c = closed(&policy);
        let review = |today: &str| ProblemAction::Review {
            holds: true,
            today: d(today),
            note: None,
        };

        // Act
        let e1 = apply(&policy, cal(), &open, &review("2024-06-20")).unwrap_err();
        let e2 = apply(&policy, cal(), &c, &review("2024-03-01")).unwrap_err();

        // Assert
        assert_eq!(
            e1.message,
            "状态为「整改中」的问题不能开展回头看：回头看只针对已销号的问题"
        );
        assert_eq!(e2.message, "回头看日期 2024-03-01 早于销号日期 2024-03-22");
    }

    #[test]
    fn verify_only_what_awaits_verification() {
        // Arrange
        let policy = preset("003").unwrap().policy();

        // Act
        let e = apply(
            &policy,
            cal(),
            &in_progress(&policy),
            &ProblemAction::Verify {
                verifier_id: VERIFIER,
                today: d("2024-03-20"),
            },
        )
        .unwrap_err();

        // Assert
        assert_eq!(e.message, "状态为「整改中」的问题不能验收销号");
    }

    #[test]
    fn set_deadline_and_overdue() {
        // Arrange
        let policy = preset("003").unwrap().policy();
        let s = in_progress(&policy);

        // Act
        let moved = apply(
            &policy,
            cal(),
            &s,
            &ProblemAction::SetDeadline {
                deadline: d("2024-03-29"),
            },
        )
        .unwrap();
        let early = apply(
            &policy,
            cal(),
            &s,
            &ProblemAction::SetDeadline {
                deadline: d("2024-03-04"),
            },
        )
        .unwrap_err();

        // Assert
        assert_eq!(moved.deadline, Some(d("2024-03-29")));
        assert!(
            !is_overdue(&moved, d("2024-03-29")),
            "the deadline day is on time"
        );
        assert!(is_overdue(&moved, d("2024-03-30")));
        assert_eq!(early.field.as_deref(), Some("deadline"));
        // Submitted and waiting for the verifier: not overdue, as the statistics count it.
        let waiting = ProblemState {
            status: ProblemStatus::AwaitingVerification,
            ..moved.clone()
        };
        assert!(!is_overdue(&waiting, d("2024-03-30")));
    }

    #[test]
    fn a_policy_without_the_verification_step_closes_on_submit() {
        // Arrange
        let mut policy = preset("003").unwrap().policy();
        policy
            .rectification
            .statuses
            .retain(|s| *s != ProblemStatus::AwaitingVerification);
        let s = in_progress(&policy);

        // Act
        let c = apply(&policy, cal(), &s, &good_submit("2024-03-20")).unwrap();

        // Assert
        assert_eq!(c.status, ProblemStatus::Closed);
        assert_eq!(c.closed_on, Some(d("2024-03-20")));
        assert_eq!(c.review_due, Some(d("2024-06-18")));
    }

    #[test]
    fn a_policy_without_in_progress_submits_from_pending() {
        // Arrange
        let mut policy = preset("003").unwrap().policy();
        policy
            .rectification
            .statuses
            .retain(|s| *s != ProblemStatus::InProgress);
        let p = new_problem(
            &policy,
            cal(),
            Disposition::Deadline,
            d("2024-03-05"),
            None,
            None,
        )
        .unwrap();

        // Act
        let start = apply(&policy, cal(), &p, &ProblemAction::Start { handler_id: 1 });
        let s = apply(&policy, cal(), &p, &good_submit("2024-03-20")).unwrap();
        let back = apply(
            &policy,
            cal(),
            &s,
            &ProblemAction::Reject {
                reason: "不符".into(),
            },
        )
        .unwrap();

        // Assert
        assert!(start.is_err());
        assert_eq!(s.status, ProblemStatus::AwaitingVerification);
        assert_eq!(back.status, ProblemStatus::Pending);
        assert_eq!(
            allowed_actions(&policy, &p, HANDLER, true, false),
            ["submit"]
        );
    }

    #[test]
    fn allowed_actions_follow_status_and_role() {
        // Arrange
        let policy = preset("003").unwrap().policy();
        let pending = new_problem(
            &policy,
            cal(),
            Disposition::Deadline,
            d("2024-03-05"),
            None,
            None,
        )
        .unwrap();
        let immediate = new_problem(
            &policy,
            cal(),
            Disposition::Immediate,
            d("2024-03-05"),
            None,
            None,
        )
        .unwrap();
        let working = in_progress(&policy);
        let awaiting = apply(&policy, cal(), &working, &good_submit("2024-03-20")).unwrap();
        let done = closed(&policy);

        // Act / Assert
        assert_eq!(
            allowed_actions(&policy, &pending, HANDLER, true, false),
            ["start"]
        );
        assert_eq!(
            allowed_actions(&policy, &immediate, HANDLER, true, false),
            ["start", "submit"]
        );
        assert_eq!(
            allowed_actions(&policy, &working, HANDLER, true, false),
            ["submit"]
        );
        assert_eq!(
            allowed_actions(&policy, &working, VERIFIER, false, true),
            ["set-deadline"]
        );
        // The handler, even with the verifier's role, is not offered verification.
        assert_eq!(
            allowed_actions(&policy, &awaiting, HANDLER, true, true),
            ["set-deadline"]
        );
        assert_eq!(
            allowed_actions(&policy, &awaiting, VERIFIER, false, true),
            ["verify", "reject", "set-deadline"]
        );
        assert_eq!(
            allowed_actions(&policy, &done, VERIFIER, false, true),
            ["review"]
        );
        assert!(allowed_actions(&policy, &done, HANDLER, true, false).is_empty());
    }

    #[test]
    fn actions_travel_as_tagged_json() {
        // Arrange
        let json = r#"{"action":"verify","verifier_id":9,"today":"2024-03-22"}"#;

        // Act
        let a: ProblemAction = serde_json::from_str(json).unwrap();

        // Assert
        assert_eq!(
            a,
            ProblemAction::Verify {
                verifier_id: 9,
                today: d("2024-03-22")
            }
        );
        assert_eq!(a.code(), "verify");
        assert_eq!(
            ProblemAction::SetDeadline {
                deadline: d("2024-03-22")
            }
            .code(),
            "set-deadline"
        );
    }

    #[test]
    fn a_ledger_row_reads_as_a_problem_under_the_policy() {
        use crate::sheets::Rectified;
        let policy = Policy::from_toml(preset("003-beilin").unwrap().source).unwrap();
        let found = d("2024-03-05");
        let s = imported(
            &policy,
            cal(),
            found,
            Rectified::Closed(d("2024-03-20")),
            Some("推行告知承诺制".into()),
            None,
        );
        assert_eq!(s.status, ProblemStatus::Closed);
        assert_eq!(s.disposition, Disposition::Deadline);
        assert_eq!(s.closed_on, Some(d("2024-03-20")));
        assert_eq!(
            s.review_due,
            Some(policy.rectification.review_date(d("2024-03-20")))
        );
        // Closed the day it was found: 立行立改.
        let s = imported(
            &policy,
            cal(),
            found,
            Rectified::Closed(found),
            Some("当场补正".into()),
            None,
        );
        assert_eq!(s.disposition, Disposition::Immediate);
        let s = imported(
            &policy,
            cal(),
            found,
            Rectified::InProgress(d("2024-04-30")),
            None,
            None,
        );
        assert_eq!(
            (s.status, s.deadline),
            (ProblemStatus::InProgress, Some(d("2024-04-30")))
        );
        // Not started: the policy's default deadline in working days.
        let s = imported(
            &policy,
            cal(),
            found,
            Rectified::Pending,
            Some("  ".into()),
            None,
        );
        assert_eq!(s.status, ProblemStatus::Pending);
        assert_eq!(s.measures, None);
        assert_eq!(
            s.deadline,
            policy
                .rectification
                .default_deadline(found, Disposition::Deadline, cal())
        );
    }
}
