//! 每日摘要 one person's reminders of one day, as one mail.

use chrono::{Datelike, NaiveDate};

/// The rungs of the reminder ladder, most severe first: the order of the
/// digest's groups. A rung not named here comes after them.
pub const RUNGS: [&str; 3] = ["督办", "催办", "提醒"];

/// 邮件摘要 one person's daily digest: everything due or overdue for them that
/// day, sent as a single mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest {
    pub day: NaiveDate,
    pub to_name: String,
    pub entries: Vec<DigestEntry>,
}

/// 待办事项 one line of the digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestEntry {
    /// 提醒 / 催办 / 督办.
    pub rung: String,
    pub title: String,
    /// The responsible unit.
    pub unit: String,
    pub due: Option<NaiveDate>,
    /// "还剩 2 个工作日", "已逾期 3 个工作日".
    pub detail: String,
    /// An absolute URL or a path of the web app.
    pub link: Option<String>,
}

impl Digest {
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The mail's subject and body. The subject counts the entries and, in
    /// brackets, those above 提醒 (`走流程督办：12月7日待办 5 项（催办 2 项）`);
    /// the body lists them grouped by rung, most severe first, one line each.
    pub fn render(&self) -> (String, String) {
        let groups = self.groups();
        let urgent: Vec<String> = groups
            .iter()
            .filter(|(rung, _)| *rung != "提醒")
            .map(|(rung, entries)| format!("{rung} {} 项", entries.len()))
            .collect();
        let mut subject = format!(
            "走流程督办：{}待办 {} 项",
            month_day(self.day),
            self.entries.len()
        );
        if !urgent.is_empty() {
            subject.push_str(&format!("（{}）", urgent.join("，")));
        }

        let mut body = String::new();
        if !self.to_name.trim().is_empty() {
            body.push_str(&format!("{}：\n\n", self.to_name.trim()));
        }
        body.push_str(&format!(
            "截至{}，您有待办事项 {} 项，按紧急程度排列如下。\n",
            full_date(self.day),
            self.entries.len()
        ));
        for (rung, entries) in &groups {
            body.push_str(&format!("\n【{rung}】{} 项\n", entries.len()));
            for (i, e) in entries.iter().enumerate() {
                body.push_str(&format!("{}. {}\n", i + 1, e.line()));
            }
        }
        body.push_str("\n此邮件由走流程督办系统自动发送，请勿直接回复。\n");
        (subject, body)
    }

    /// The entries by rung, most severe first; within a rung in the given order.
    fn groups(&self) -> Vec<(&str, Vec<&DigestEntry>)> {
        let mut groups: Vec<(&str, Vec<&DigestEntry>)> =
            RUNGS.iter().map(|r| (*r, Vec::new())).collect();
        for e in &self.entries {
            let rung = e.rung.trim();
            match groups.iter_mut().find(|(r, _)| *r == rung) {
                Some((_, list)) => list.push(e),
                None => groups.push((rung, vec![e])),
            }
        }
        groups.retain(|(_, list)| !list.is_empty());
        groups
    }
}

impl DigestEntry {
    /// `单位｜标题｜期限 2024年10月8日｜已逾期 3 个工作日｜链接`, leaving out
    /// what is not there.
    pub fn line(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        for text in [&self.unit, &self.title] {
            if !text.trim().is_empty() {
                parts.push(text.trim().to_string());
            }
        }
        if let Some(due) = self.due {
            parts.push(format!("期限 {}", full_date(due)));
        }
        if !self.detail.trim().is_empty() {
            parts.push(self.detail.trim().to_string());
        }
        if let Some(link) = self.link.as_deref().filter(|l| !l.trim().is_empty()) {
            parts.push(link.trim().to_string());
        }
        parts.join("｜")
    }
}

/// `12月7日`.
pub fn month_day(d: NaiveDate) -> String {
    format!("{}月{}日", d.month(), d.day())
}

/// `2024年10月8日`.
pub fn full_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// 催报 / 退回 one notice a person acts on now, mailed as it is sent rather
/// than in the next day's digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub to_name: String,
    /// `催报：2024年第三季度问题清单`.
    pub title: String,
    pub body: String,
    /// An absolute URL or a path of the web app.
    pub link: Option<String>,
}

impl Notice {
    /// The mail's subject and body.
    pub fn render(&self) -> (String, String) {
        let subject = format!("走流程督办：{}", self.title.trim());
        let mut body = String::new();
        if !self.to_name.trim().is_empty() {
            body.push_str(&format!("{}：\n\n", self.to_name.trim()));
        }
        body.push_str(self.body.trim());
        body.push('\n');
        if let Some(link) = self.link.as_deref().filter(|l| !l.trim().is_empty()) {
            body.push_str(&format!("\n办理：{}\n", link.trim()));
        }
        body.push_str("\n此邮件由走流程督办系统自动发送，请勿直接回复。\n");
        (subject, body)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a panic is how a test reports failure
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn entry(rung: &str, title: &str, detail: &str) -> DigestEntry {
        DigestEntry {
            rung: rung.to_string(),
            title: title.to_string(),
            unit: "城关镇".to_string(),
            due: Some(day(2024, 10, 8)),
            detail: detail.to_string(),
            link: Some("/problems/7".to_string()),
        }
    }

    #[test]
    fn the_subject_counts_all_and_the_urgent_rungs() {
        let d = Digest {
            day: day(2024, 12, 7),
            to_name: "张三".to_string(),
            entries: vec![
                entry("提醒", "a", "还剩 2 个工作日"),
                entry("催办", "b", "还剩 0 个工作日"),
                entry("提醒", "c", "还剩 3 个工作日"),
                entry("催办", "d", "已逾期 1 个工作日"),
                entry("提醒", "e", "还剩 5 个工作日"),
            ],
        };
        assert_eq!(d.render().0, "走流程督办：12月7日待办 5 项（催办 2 项）");

        let mut with_supervision = d.clone();
        with_supervision
            .entries
            .push(entry("督办", "f", "已逾期 9 个工作日"));
        assert_eq!(
            with_supervision.render().0,
            "走流程督办：12月7日待办 6 项（督办 1 项，催办 2 项）"
        );

        let only_reminders = Digest {
            entries: vec![entry("提醒", "a", "还剩 2 个工作日")],
            ..d
        };
        assert_eq!(only_reminders.render().0, "走流程督办：12月7日待办 1 项");
    }

    #[test]
    fn the_body_lists_the_most_severe_rung_first_one_line_each() {
        let d = Digest {
            day: day(2024, 12, 7),
            to_name: "张三".to_string(),
            entries: vec![
                entry("提醒", "整改方案报送", "还剩 2 个工作日"),
                entry("督办", "问题台账销号", "已逾期 3 个工作日"),
                entry("催办", "走访记录补录", "还剩 0 个工作日"),
            ],
        };
        let body = d.render().1;
        let at = |s: &str| body.find(s).unwrap();
        assert!(body.starts_with("张三：\n"), "{body}");
        assert!(at("【督办】1 项") < at("【催办】1 项"), "{body}");
        assert!(at("【催办】1 项") < at("【提醒】1 项"), "{body}");
        assert!(
            body.contains(
                "1. 城关镇｜问题台账销号｜期限 2024年10月8日｜已逾期 3 个工作日｜/problems/7\n"
            ),
            "{body}"
        );
        assert!(body.contains("截至2024年12月7日"), "{body}");
    }

    #[test]
    fn an_entry_leaves_out_what_it_lacks() {
        let e = DigestEntry {
            due: None,
            link: None,
            ..entry("提醒", "月度小结", "本月内完成")
        };
        assert_eq!(e.line(), "城关镇｜月度小结｜本月内完成");
    }

    #[test]
    fn a_notice_is_mailed_under_its_own_title_with_what_to_do_and_where() {
        let n = Notice {
            to_name: "刘联络".into(),
            title: "催报：2024年第三季度问题清单、需求清单和解决措施清单".into(),
            body: "请于 2024年9月20日 前报送。".into(),
            link: Some("/submissions?report=quarterly-lists&period=2024Q3".into()),
        };
        let (subject, body) = n.render();
        assert_eq!(
            subject,
            "走流程督办：催报：2024年第三季度问题清单、需求清单和解决措施清单"
        );
        assert!(
            body.starts_with("刘联络：\n\n请于 2024年9月20日 前报送。\n"),
            "{body}"
        );
        assert!(
            body.contains("办理：/submissions?report=quarterly-lists&period=2024Q3"),
            "{body}"
        );
    }
}
