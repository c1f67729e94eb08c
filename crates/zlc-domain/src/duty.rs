//! 督办 the campaign chasing itself: what each account has to do next (待办)
//! and the ladder a deadline climbs when nobody acts (提醒 → 催办 → 督办), all
//! counted in working days on the calendar with its 调休.
//!
//! The ladder follows the 12345 hotline rules the campaign offices copy: a
//! reminder to the person responsible some working days before the deadline,
//! 催办 to that person and the unit's leader the working day after it, and
//! 督办 to the region's lead office when the duty is still open some working
//! days later. The numbers are the policy's (`[reminders]`), never literals.

use crate::calendar::WorkCalendar;
use crate::registry::vocab;
use chrono::NaiveDate;
// The vocab! macro names these traits unqualified.
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// 督办规则 when a deadline's ladder fires (policy `[reminders]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReminderRule {
    /// 到期提醒 working days before the deadline that the person responsible
    /// is reminded (0: on the day itself).
    pub before_working_days: u32,
    /// 督办 working days after 催办 that a duty still open goes to the lead
    /// office of its region.
    pub escalate_after_working_days: u32,
    /// 追办期限 calendar days after 督办 that a duty still open is chased (a
    /// walk unfiled, a rectification or 回头看 overdue, a report or plan
    /// missing); one longer past is the notice's business, not the inbox's.
    pub chase_days: u32,
}

impl Default for ReminderRule {
    /// Not in any seed: 3 working days ahead, as seed 003 gives for filing a
    /// walk; 5 working days from 催办 to 督办, a working week; a missing
    /// report chased for a month after its 督办.
    fn default() -> Self {
        ReminderRule {
            before_working_days: 3,
            escalate_after_working_days: 5,
            chase_days: 30,
        }
    }
}

vocab!(
    /// 督办层级 a rung of the ladder, lowest first
    Rung {
        Remind = "remind", "提醒" | "到期提醒";
        Urge = "urge", "催办";
        Escalate = "escalate", "督办";
    }
);

vocab!(
    /// 待办类型 what a to-do asks of its account
    DutyKind {
        FileWalk = "file-walk", "活动待报备";
        Rectify = "rectify", "问题待整改";
        Verify = "verify", "整改待验收";
        Review = "review", "回头看";
        SubmitPlan = "submit-plan", "计划待提交";
        PublishPlan = "publish-plan", "计划待发布";
        SubmitReport = "submit-report", "材料待报送";
        ReviewFindings = "review-findings", "通报问题待审核";
    }
);

/// 督办节点 the days a deadline's ladder fires on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ladder {
    /// The deadline, moved to the next working day when it falls on a day off.
    pub due: NaiveDate,
    /// 提醒: `before_working_days` working days before `due`.
    pub remind_on: NaiveDate,
    /// 催办: the first working day after `due`.
    pub urge_on: NaiveDate,
    /// 督办: `escalate_after_working_days` working days after `urge_on`.
    pub escalate_on: NaiveDate,
}

impl ReminderRule {
    /// The ladder of a deadline.
    pub fn ladder(&self, deadline: NaiveDate, cal: &WorkCalendar) -> Ladder {
        let due = cal.add_working_days(deadline, 0);
        let urge_on = cal.add_working_days(due, 1);
        Ladder {
            due,
            remind_on: cal.add_working_days(due, -i64::from(self.before_working_days)),
            urge_on,
            escalate_on: cal.add_working_days(urge_on, i64::from(self.escalate_after_working_days)),
        }
    }

    /// The earliest deadline still chased on `day` (see
    /// [`Ladder::chased_on`]): a daily run reads deadlines from this one to
    /// the [`horizon`](Self::horizon), so that its cost follows the weeks
    /// being chased, not every overdue record ever kept.
    pub fn floor(&self, day: NaiveDate, cal: &WorkCalendar) -> NaiveDate {
        // Any deadline from `day - chase_days` on is still chased, its 督办
        // lying after it; step back while the day before is too.
        let mut d = day
            .checked_sub_days(chrono::Days::new(u64::from(self.chase_days)))
            .unwrap_or(NaiveDate::MIN);
        while let Some(prev) = d.pred_opt()
            && self.ladder(prev, cal).chased_on(day, self)
        {
            d = prev;
        }
        d
    }

    /// The latest deadline whose ladder may have begun by `day`: a duty due
    /// later is not reminded yet, so a daily run reads only deadlines up to
    /// this one (and checks each with [`Ladder::rung_on`]).
    pub fn horizon(&self, day: NaiveDate, cal: &WorkCalendar) -> NaiveDate {
        cal.add_working_days(day, i64::from(self.before_working_days))
    }
}

impl Ladder {
    /// The highest rung reached by `day`, if any. A run that missed a day
    /// still sends the rung the duty has reached, never the ones below it.
    pub fn rung_on(&self, day: NaiveDate) -> Option<Rung> {
        if day >= self.escalate_on {
            Some(Rung::Escalate)
        } else if day >= self.urge_on {
            Some(Rung::Urge)
        } else if day >= self.remind_on {
            Some(Rung::Remind)
        } else {
            None
        }
    }

    /// Whether a duty of this deadline still open on `day` is chased: its
    /// 督办 is no more than `chase_days` behind.
    pub fn chased_on(&self, day: NaiveDate, rule: &ReminderRule) -> bool {
        self.escalate_on
            .checked_add_days(chrono::Days::new(u64::from(rule.chase_days)))
            .is_none_or(|end| day <= end)
    }

    /// Working days from `day` to the due date: positive before it, 0 on it,
    /// negative (the working days overdue) after it.
    pub fn working_days_left(&self, day: NaiveDate, cal: &WorkCalendar) -> i64 {
        cal.working_days_between(day, self.due)
    }
}

/// 期限提示 how a to-do or a reminder states the time left.
pub fn due_note(working_days_left: i64) -> String {
    match working_days_left {
        0 => "今日到期".to_string(),
        n if n > 0 => format!("还剩 {n} 个工作日"),
        n => format!("已逾期 {} 个工作日", -n),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a panic is how a test reports failure
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn cal() -> &'static WorkCalendar {
        WorkCalendar::builtin()
    }

    #[test]
    fn a_deadline_in_the_spring_festival_moves_to_the_make_up_sunday() {
        // 2024-02-10..17 春节, 2024-02-18 (a Sunday) is a 调休 working day.
        let l = ReminderRule::default().ladder(d("2024-02-12"), cal());
        assert_eq!(l.due, d("2024-02-18"));
        // Three working days before: 02-09 (Fri), 02-08, 02-07.
        assert_eq!(l.remind_on, d("2024-02-07"));
        assert_eq!(l.urge_on, d("2024-02-19"));
        // 02-20, 21, 22, 23, 26.
        assert_eq!(l.escalate_on, d("2024-02-26"));
        assert_eq!(l.rung_on(d("2024-02-06")), None);
        assert_eq!(l.rung_on(d("2024-02-07")), Some(Rung::Remind));
        assert_eq!(l.rung_on(d("2024-02-18")), Some(Rung::Remind));
        assert_eq!(l.rung_on(d("2024-02-19")), Some(Rung::Urge));
        assert_eq!(l.rung_on(d("2024-02-23")), Some(Rung::Urge));
        assert_eq!(l.rung_on(d("2024-02-26")), Some(Rung::Escalate));
        // In the holiday the time left does not shrink: 02-18 is one working day away.
        assert_eq!(l.working_days_left(d("2024-02-09"), cal()), 1);
        assert_eq!(l.working_days_left(d("2024-02-14"), cal()), 1);
        assert_eq!(l.working_days_left(d("2024-02-18"), cal()), 0);
        assert_eq!(l.working_days_left(d("2024-02-20"), cal()), -2);
    }

    #[test]
    fn around_national_day_the_make_up_days_count_and_the_holiday_does_not() {
        // 2024-10-01..07 国庆, 09-29 (Sun) and 10-12 (Sat) are 调休 working days.
        let l = ReminderRule::default().ladder(d("2024-09-30"), cal());
        assert_eq!(l.due, d("2024-09-30"));
        // 09-29 (the make-up Sunday), 09-27, 09-26.
        assert_eq!(l.remind_on, d("2024-09-26"));
        // The day after is in the holiday: 催办 waits for 10-08.
        assert_eq!(l.urge_on, d("2024-10-08"));
        assert_eq!(l.rung_on(d("2024-10-03")), Some(Rung::Remind));
        // 10-09, 10, 11, 12 (the make-up Saturday), 14.
        assert_eq!(l.escalate_on, d("2024-10-14"));
        assert_eq!(l.rung_on(d("2024-10-13")), Some(Rung::Urge));
        assert_eq!(l.working_days_left(d("2024-10-12"), cal()), -5);
    }

    #[test]
    fn the_policy_sets_the_rungs() {
        let rule = ReminderRule {
            before_working_days: 0,
            escalate_after_working_days: 1,
            chase_days: 30,
        };
        let l = rule.ladder(d("2024-09-30"), cal());
        assert_eq!(l.remind_on, d("2024-09-30"));
        assert_eq!(l.escalate_on, d("2024-10-09"));
        assert_eq!(rule.horizon(d("2024-09-28"), cal()), d("2024-09-29"));
        assert_eq!(
            ReminderRule::default().horizon(d("2024-09-26"), cal()),
            d("2024-09-30")
        );
    }

    #[test]
    fn a_duty_is_chased_for_chase_days_after_its_escalation_and_the_floor_says_from_which_deadline()
    {
        let rule = ReminderRule::default();
        // 09-30's 督办 is 10-14: chased to 11-13 inclusive.
        let l = rule.ladder(d("2024-09-30"), cal());
        assert!(l.chased_on(d("2024-11-13"), &rule));
        assert!(!l.chased_on(d("2024-11-14"), &rule));
        // Every deadline of 2024 against every day of its autumn: chased
        // exactly when it is on or after the day's floor.
        let mut day = d("2024-09-01");
        while day <= d("2024-12-31") {
            let floor = rule.floor(day, cal());
            let mut deadline = d("2024-06-01");
            while deadline <= day {
                assert_eq!(
                    rule.ladder(deadline, cal()).chased_on(day, &rule),
                    deadline >= floor,
                    "deadline {deadline} on {day}, floor {floor}"
                );
                deadline = deadline.succ_opt().unwrap();
            }
            day = day.succ_opt().unwrap();
        }
        assert_eq!(rule.floor(d("2024-11-14"), cal()), d("2024-10-01"));
    }

    #[test]
    fn the_time_left_reads_in_working_days() {
        assert_eq!(due_note(2), "还剩 2 个工作日");
        assert_eq!(due_note(0), "今日到期");
        assert_eq!(due_note(-3), "已逾期 3 个工作日");
    }
}
