//! 表样 the layouts of the seeds' tables: title, the lines above and below,
//! and the columns in order, with the merged group headers of 附件3 and the
//! 坐窗口 statistics table. Reading and writing both follow these, so a
//! file zlc writes reads back as it was.

use crate::cells::normalize_header;
use zlc_domain::sheets::SheetKind;

/// One column of a table.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The header as the seed writes it (a sub-header under `group`).
    pub header: &'static str,
    /// The merged header above, for the mark columns.
    pub group: Option<&'static str>,
    /// Other headers people use for the same column.
    pub aliases: &'static [&'static str],
    /// Whether a sheet without this column is refused.
    pub required: bool,
    /// Width in characters, for writing.
    pub width: f64,
    /// zlc's own column after the seed's (README, 表格): written by exports,
    /// read when present, left out of the empty templates.
    pub extra: bool,
    /// A required column that may be left out when this one is there.
    pub unless: Option<&'static str>,
}

const fn col(header: &'static str, width: f64) -> Column {
    alias(header, &[], width)
}

const fn alias(header: &'static str, aliases: &'static [&'static str], width: f64) -> Column {
    Column {
        header,
        group: None,
        aliases,
        required: true,
        width,
        extra: false,
        unless: None,
    }
}

const fn optional(header: &'static str, aliases: &'static [&'static str], width: f64) -> Column {
    Column {
        required: false,
        ..alias(header, aliases, width)
    }
}

/// A column zlc adds after the seed's: what the seed's columns cannot say
/// and a round trip needs (the deadline and status of an open problem, the
/// unit of a row in a table of several units).
const fn extra(header: &'static str, aliases: &'static [&'static str], width: f64) -> Column {
    Column {
        extra: true,
        ..optional(header, aliases, width)
    }
}

/// 单位: the unit a row belongs to, in a table exported for several.
const UNIT: Column = extra("单位", &["所属单位", "单位名称"], 20.0);
/// 整改时限: the deadline of a problem, closed or not.
const DEADLINE: Column = extra("整改时限", &["整改期限"], 12.0);
/// 整改状态: 待整改, 整改中, 已整改·待验收 or 已销号.
const STATUS: Column = extra("整改状态", &["状态"], 12.0);

const fn mark(
    group: &'static str,
    header: &'static str,
    aliases: &'static [&'static str],
) -> Column {
    Column {
        header,
        group: Some(group),
        aliases,
        required: true,
        width: 7.0,
        extra: false,
        unless: None,
    }
}

/// A table's layout.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    pub kind: SheetKind,
    /// The title line.
    pub title: &'static str,
    /// The label of the date line above the header, as the seed writes it.
    pub date_label: &'static str,
    pub columns: &'static [Column],
    /// A note under the table, as in the seed.
    pub note: Option<&'static str>,
}

const ITEMS: &[Column] = &[
    col("序号", 6.0),
    col("事项名称", 28.0),
    col("类型", 14.0),
    col("服务对象", 10.0),
    col("办理方式", 10.0),
    col("办理途径", 28.0),
    optional("责任科室", &[], 14.0),
    optional("联系方式", &["联系电话"], 14.0),
    optional("备注", &[], 12.0),
    UNIT,
];

const LEDGER_GROUP: &str = "走流程形式";
const LEDGER: &[Column] = &[
    col("序号", 6.0),
    alias("时间", &["日期", "走流程时间"], 12.0),
    alias(
        "流程人员及职务",
        &["流程人员", "人员及职务", "走流程人员及职务"],
        16.0,
    ),
    alias("体验事项", &["事项", "体验事项名称"], 22.0),
    mark(LEDGER_GROUP, "驻窗办", &[]),
    mark(LEDGER_GROUP, "亲身办", &[]),
    mark(LEDGER_GROUP, "陪同办", &[]),
    mark(LEDGER_GROUP, "检验办", &[]),
    alias(
        "存在问题及原因",
        &["存在问题", "问题及原因", "发现问题"],
        32.0,
    ),
    alias("整改及优化措施", &["整改措施", "优化措施"], 32.0),
    Column {
        unless: Some("整改时限"),
        ..alias("整改完成时间", &["完成时间"], 12.0)
    },
    optional("责任科室", &[], 14.0),
    DEADLINE,
    STATUS,
    UNIT,
];

const SCHEDULE: &[Column] = &[
    col("序号", 6.0),
    alias("日期", &["时间", "坐窗口时间"], 16.0),
    col("姓名", 10.0),
    col("职务", 16.0),
    optional("联系电话", &["联系方式", "电话"], 14.0),
    optional("备注", &[], 12.0),
    UNIT,
];

const SOURCE_GROUP: &str = "问题来源";
const WINDOW_STATS: &[Column] = &[
    col("序号", 6.0),
    alias("时间", &["日期"], 12.0),
    alias("坐窗口人员及职务", &["坐窗口人员", "人员及职务"], 16.0),
    alias(
        "接待企业群众(人次)",
        &["接待企业群众", "接待人次", "接待企业群众人次"],
        10.0,
    ),
    mark(SOURCE_GROUP, "企业群众提出", &["群众提出"]),
    mark(SOURCE_GROUP, "工作人员反映", &["工作人员"]),
    mark(SOURCE_GROUP, "窗口自查发现", &["窗口自查", "自查发现"]),
    mark(SOURCE_GROUP, "其他", &[]),
    alias("问题描述", &["存在问题", "发现问题"], 30.0),
    alias("整改措施", &["整改及优化措施"], 30.0),
    Column {
        unless: Some("整改时限"),
        ..alias("整改完成时间", &["完成时间"], 12.0)
    },
    optional("责任科室", &[], 14.0),
    DEADLINE,
    STATUS,
    UNIT,
];

const LISTS: &[Column] = &[
    col("序号", 6.0),
    alias("参与活动地点", &["活动地点", "地点"], 18.0),
    alias("体验内容", &["体验事项"], 22.0),
    alias("体验方式", &["方式"], 10.0),
    alias("发现问题", &["问题清单", "存在问题"], 28.0),
    alias(
        "企业群众或一线工作人员反映的需求",
        &["反映的需求", "需求", "需求清单"],
        28.0,
    ),
    alias(
        "拟采取的解决措施",
        &["解决措施", "整改措施", "解决措施清单"],
        28.0,
    ),
    alias("完成时限", &["完成时间"], 12.0),
    alias("整改效果", &["效果"], 20.0),
    optional("备注", &[], 12.0),
    STATUS,
];

const UNITS: &[Column] = &[
    col("序号", 6.0),
    col("单位名称", 30.0),
    alias("上级单位", &["上级"], 24.0),
    alias("单位类型", &["类型"], 10.0),
    optional("单位类别", &["类别"], 30.0),
];

/// The layout of a kind of table.
pub fn layout(kind: SheetKind) -> Layout {
    match kind {
        SheetKind::Items => Layout {
            kind,
            title: "“干部走流程”事项清单",
            date_label: "填报时间:",
            columns: ITEMS,
            note: Some(
                "注: 1. 事项名称按照标准化梳理和管理系统、政务服务网发布的业务办理事项名称填写。 2. 类型主要包括“高效办成一件事”、集成办、跨域办、高频及其他等事项。",
            ),
        },
        SheetKind::Ledger => Layout {
            kind,
            title: "“干部走流程”问题整改台账",
            date_label: "填报日期:",
            columns: LEDGER,
            note: None,
        },
        SheetKind::WindowSchedule => Layout {
            kind,
            title: "“局长科长坐窗口”活动人员时间安排表",
            date_label: "填报日期:",
            columns: SCHEDULE,
            note: None,
        },
        SheetKind::WindowStats => Layout {
            kind,
            title: "“局长科长坐窗口”活动统计表",
            date_label: "填报日期：",
            columns: WINDOW_STATS,
            note: None,
        },
        SheetKind::Lists => Layout {
            kind,
            title: "问题清单、需求清单和解决措施清单",
            date_label: "时间：",
            columns: LISTS,
            note: None,
        },
        SheetKind::Units => Layout {
            kind,
            title: "参与活动单位名单",
            date_label: "填报时间:",
            columns: UNITS,
            note: None,
        },
    }
}

impl Layout {
    /// Whether a merged two-row header sits over some columns.
    pub fn has_groups(&self) -> bool {
        self.columns.iter().any(|c| c.group.is_some())
    }

    /// The index of the column a sheet's header names, if any.
    pub fn column_for(&self, header: &str) -> Option<usize> {
        let h = normalize_header(header);
        if h.is_empty() {
            return None;
        }
        let exact = self.columns.iter().position(|c| {
            normalize_header(c.header) == h || c.aliases.iter().any(|a| normalize_header(a) == h)
        });
        exact.or_else(|| {
            // Headers with a note in brackets: 接待企业群众（人次）, 体验事项（名称）.
            let base = h.split('(').next().unwrap_or(&h);
            self.columns.iter().position(|c| {
                let ch = normalize_header(c.header);
                !base.is_empty() && ch.split('(').next() == Some(base)
            })
        })
    }

    /// The columns a table of this kind is written with: all of them, or
    /// (`extras` false, for an empty template) the seed's alone.
    pub fn written(&self, extras: bool) -> impl Iterator<Item = &'static Column> {
        self.columns.iter().filter(move |c| extras || !c.extra)
    }

    /// The index of a column by its header, for code that knows the layout.
    pub fn index(&self, header: &str) -> usize {
        self.columns
            .iter()
            .position(|c| c.header == header)
            .unwrap_or(usize::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interface_columns_in_order() {
        let names = |k| -> Vec<&str> { layout(k).written(false).map(|c| c.header).collect() };
        assert_eq!(
            names(SheetKind::Items),
            [
                "序号",
                "事项名称",
                "类型",
                "服务对象",
                "办理方式",
                "办理途径",
                "责任科室",
                "联系方式",
                "备注"
            ]
        );
        assert_eq!(
            names(SheetKind::Ledger),
            [
                "序号",
                "时间",
                "流程人员及职务",
                "体验事项",
                "驻窗办",
                "亲身办",
                "陪同办",
                "检验办",
                "存在问题及原因",
                "整改及优化措施",
                "整改完成时间",
                "责任科室"
            ]
        );
        assert_eq!(
            names(SheetKind::WindowSchedule),
            ["序号", "日期", "姓名", "职务", "联系电话", "备注"]
        );
        assert_eq!(
            names(SheetKind::WindowStats),
            [
                "序号",
                "时间",
                "坐窗口人员及职务",
                "接待企业群众(人次)",
                "企业群众提出",
                "工作人员反映",
                "窗口自查发现",
                "其他",
                "问题描述",
                "整改措施",
                "整改完成时间",
                "责任科室"
            ]
        );
        assert_eq!(
            names(SheetKind::Lists),
            [
                "序号",
                "参与活动地点",
                "体验内容",
                "体验方式",
                "发现问题",
                "企业群众或一线工作人员反映的需求",
                "拟采取的解决措施",
                "完成时限",
                "整改效果",
                "备注"
            ]
        );
        assert_eq!(
            names(SheetKind::Units),
            ["序号", "单位名称", "上级单位", "单位类型", "单位类别"]
        );
    }

    #[test]
    fn headers_as_the_seeds_break_them() {
        let l = layout(SheetKind::Ledger);
        assert_eq!(l.column_for("流程人员 及职务"), Some(2));
        assert_eq!(l.column_for("存在问题及 原因"), Some(8));
        assert_eq!(l.column_for("整改完 成时间"), Some(10));
        assert_eq!(l.column_for("无关的列"), None);
        let w = layout(SheetKind::WindowStats);
        assert_eq!(w.column_for("接待企业群众 (人次)"), Some(3));
        assert_eq!(w.column_for("接待企业群众（人次）"), Some(3));
        assert_eq!(w.column_for("窗口自查 发现"), Some(6));
    }

    #[test]
    fn zlc_columns_follow_the_seeds() {
        let trailing = |k| -> Vec<&str> {
            layout(k)
                .columns
                .iter()
                .skip_while(|c| !c.extra)
                .map(|c| c.header)
                .collect()
        };
        assert_eq!(
            trailing(SheetKind::Ledger),
            ["整改时限", "整改状态", "单位"]
        );
        assert_eq!(
            trailing(SheetKind::WindowStats),
            ["整改时限", "整改状态", "单位"]
        );
        assert_eq!(trailing(SheetKind::Lists), ["整改状态"]);
        assert_eq!(trailing(SheetKind::Items), ["单位"]);
        assert_eq!(trailing(SheetKind::WindowSchedule), ["单位"]);
        assert!(trailing(SheetKind::Units).is_empty());
        // 整改时限 is a column of its own, no longer read as 整改完成时间.
        let l = layout(SheetKind::Ledger);
        assert_eq!(l.column_for("整改时限"), Some(l.index("整改时限")));
    }
}
