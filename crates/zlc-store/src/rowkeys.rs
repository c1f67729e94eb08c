//! 行键 what makes a row of a table the same record again, on the way out
//! and back in: the names of units within the table's subtree, and the keys
//! of walks, problems, needs and measures. Exports write rows so that these
//! keys tell every record apart; imports compute the same keys from the rows
//! they read and from the records already there (entered by hand, generated
//! or imported before), so that a table exported and imported back adds
//! nothing.

use crate::{Arg, Result, Scope, Tx};
use std::collections::HashMap;
use zlc_domain::sheets::Seq;

/// A unit of a subtree, as the tables name it.
#[derive(Debug, Clone)]
pub struct TreeUnit {
    pub id: i64,
    pub parent: Option<i64>,
    pub name: String,
    pub kind: String,
    pub path: String,
}

/// 单位名称 the units of one subtree, named so that each name points at one
/// unit: its own name where no other unit of the subtree has it, else with
/// its parent's name before it (南门街道办事处便民服务中心), as people tell
/// such units apart.
#[derive(Debug, Default)]
pub struct UnitTree {
    pub units: HashMap<i64, TreeUnit>,
    by_name: HashMap<String, Vec<i64>>,
}

impl UnitTree {
    /// The subtree of the unit at `path`.
    pub async fn load(tx: &mut Tx, path: &str) -> Result<UnitTree> {
        let mut a = Vec::new();
        let cond = Scope::subtree(path.to_string()).condition("path", &mut a);
        let rows: Vec<(i64, Option<i64>, String, String, String)> = tx
            .fetch_all(
                &format!(
                    "SELECT id, parent_id, name, kind, path FROM units WHERE {cond} ORDER BY id"
                ),
                a,
            )
            .await?;
        Ok(Self::from_rows(rows))
    }

    pub fn from_rows(rows: Vec<(i64, Option<i64>, String, String, String)>) -> UnitTree {
        let mut t = UnitTree::default();
        for (id, parent, name, kind, path) in rows {
            t.by_name.entry(name.clone()).or_default().push(id);
            t.units.insert(
                id,
                TreeUnit {
                    id,
                    parent,
                    name,
                    kind,
                    path,
                },
            );
        }
        t
    }

    /// A unit made while the table is read (a new section).
    pub fn add(&mut self, u: TreeUnit) {
        self.by_name.entry(u.name.clone()).or_default().push(u.id);
        self.units.insert(u.id, u);
    }

    /// The name a table writes for unit `id`: unique within the subtree.
    pub fn name(&self, id: i64) -> String {
        let Some(u) = self.units.get(&id) else {
            return String::new();
        };
        let mut name = u.name.clone();
        let mut at = u;
        // Prefix ancestors' names until no other unit of the subtree reads the same.
        while self.resolve(&name).len() > 1 {
            match at.parent.and_then(|p| self.units.get(&p)) {
                Some(p) => {
                    name = format!("{}{name}", p.name);
                    at = p;
                }
                None => break,
            }
        }
        name
    }

    /// The units a written name may mean: those of that name, else those
    /// whose ancestors' names written before their own make it
    /// (南门街道办事处便民服务中心, 南门街道办事处/便民服务中心).
    pub fn resolve(&self, text: &str) -> Vec<i64> {
        let t: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '/' | '／' | '·'))
            .collect();
        if let Some(ids) = self.by_name.get(&t) {
            return ids.clone();
        }
        let mut out = Vec::new();
        for (name, ids) in &self.by_name {
            let Some(prefix) = t.strip_suffix(name.as_str()) else {
                continue;
            };
            if prefix.is_empty() {
                continue;
            }
            for id in ids {
                if self.ancestors_read(*id, prefix) {
                    out.push(*id);
                }
            }
        }
        out.sort_unstable();
        out
    }

    /// Whether `prefix` is the names of some of `id`'s nearest ancestors, in order.
    fn ancestors_read(&self, id: i64, prefix: &str) -> bool {
        let mut rest = prefix;
        let mut at = self.units.get(&id).and_then(|u| u.parent);
        while let Some(p) = at.and_then(|p| self.units.get(&p)) {
            match rest.strip_suffix(p.name.as_str()) {
                Some("") => return true,
                Some(r) => rest = r,
                None => return false,
            }
            at = p.parent;
        }
        false
    }

    /// Whether unit `id` lies in the subtree of unit `top` (itself included).
    pub fn within(&self, id: i64, top: i64) -> bool {
        match (self.units.get(&id), self.units.get(&top)) {
            (Some(u), Some(t)) => u.path.starts_with(&t.path),
            _ => false,
        }
    }

    /// The unit a section belongs to: the nearest ancestor that is not a
    /// section (the unit itself when it is none).
    pub fn home(&self, id: i64) -> i64 {
        let mut at = id;
        while let Some(u) = self.units.get(&at) {
            if u.kind != "section" {
                return at;
            }
            match u.parent {
                Some(p) if self.units.contains_key(&p) => at = p,
                _ => return at,
            }
        }
        id
    }
}

/// The service items of a walk as its key names them: sorted, so that the
/// order a cell lists them in does not matter; else what the walk says it
/// experienced.
pub fn items_key(items: &[String], content: Option<&str>) -> String {
    if items.is_empty() {
        return content.unwrap_or_default().to_string();
    }
    let mut v: Vec<&str> = items.iter().map(String::as_str).collect();
    v.sort_unstable();
    v.dedup();
    v.join("、")
}

/// What a key says of a column the record's own table did not have (the
/// items of a sitting that came through the window statistics, the place
/// of a walk that came through the ledger): a row of another table that
/// has the column matches it whatever it says there.
pub const ANY: &str = "*";

/// The key of a walk of the ledger: `date|official|items|form`, with the
/// walk's number among those of the day that look alike.
pub fn ledger_walk(date: &str, who: &str, items: &str, form: &str, walk: u32) -> String {
    format!("{date}|{who}|{items}|{form}{}", Seq::suffix(walk))
}

/// The key of a sitting of the window statistics.
pub fn window_sitting(date: &str, who: &str, walk: u32) -> String {
    format!("{date}|{who}|window{}", Seq::suffix(walk))
}

/// The key of an activity of 三个清单.
pub fn lists_activity(date: &str, who: &str, kind: &str, place: &str, content: &str) -> String {
    format!("{date}|{who}|{kind}|{place}|{content}")
}

/// The key of a problem of a walk: the walk's key, its text, and its number
/// among the walk's problems of the same text.
pub fn problem(walk: &str, text: &str, repeat: u32) -> String {
    format!("{walk}|{text}{}", Seq::suffix(repeat))
}

/// The key of a plan of the window schedule (坐窗口排班): the day, the half
/// day and who sits.
pub fn schedule_plan(date: &str, slot: &str, who: &str) -> String {
    format!("{date}|{slot}|{who}")
}

/// The key of a problem of a 三个清单 row: the activity's key, the text and
/// its number among the activity's problems of the same text.
pub fn lists_problem(activity: &str, text: &str, repeat: u32) -> String {
    format!("{activity}|p|{text}{}", Seq::suffix(repeat))
}

/// The key of a need of a 三个清单 row: the activity's key and the text.
pub fn lists_need(activity: &str, text: &str) -> String {
    format!("{activity}|n|{text}")
}

/// The key of a measure of a 三个清单 row (its 解决措施): the activity's key
/// and the text.
pub fn lists_measure(activity: &str, text: &str) -> String {
    format!("{activity}|m|{text}")
}

/// Numbers the walks of a day that look alike, in the order of (date, id)
/// that exports write them in and imports create them in.
#[derive(Default)]
pub struct WalkCounter {
    date: String,
    seen: HashMap<String, u32>,
}

impl WalkCounter {
    /// The 0-based number of this walk among the day's walks with `base`.
    pub fn next(&mut self, date: &str, base: String) -> u32 {
        if self.date != date {
            self.date = date.to_string();
            self.seen.clear();
        }
        let n = self.seen.entry(base).or_insert(0);
        let walk = *n;
        *n += 1;
        walk
    }
}

/// Numbers the problems of one walk that say the same.
#[derive(Default)]
pub struct RepeatCounter {
    seen: HashMap<(i64, String), u32>,
}

impl RepeatCounter {
    pub fn next(&mut self, activity: i64, text: &str) -> u32 {
        let n = self.seen.entry((activity, text.to_string())).or_insert(0);
        let r = *n;
        *n += 1;
        r
    }
}

/// The query of the names of the items of some activities (at most 500),
/// each activity's in id order: rows (activity id, item name).
pub fn items_query(ids: &[i64]) -> (String, Vec<Arg>) {
    let a: Vec<Arg> = ids.iter().map(|i| Arg::from(*i)).collect();
    let marks: Vec<String> = (1..=ids.len()).map(|n| format!("${n}")).collect();
    (
        format!(
            "SELECT ai.activity_id, i.name FROM activity_items ai JOIN items i ON i.id = ai.item_id \
             WHERE ai.activity_id IN ({}) ORDER BY ai.activity_id, i.id",
            marks.join(", ")
        ),
        a,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> UnitTree {
        let u = |id: i64, parent: Option<i64>, name: &str, kind: &str, path: &str| {
            (
                id,
                parent,
                name.to_string(),
                kind.to_string(),
                path.to_string(),
            )
        };
        UnitTree::from_rows(vec![
            u(1, None, "示范区", "region", "/1/"),
            u(2, Some(1), "南门街道办事处", "region", "/1/2/"),
            u(3, Some(2), "便民服务中心", "hall", "/1/2/3/"),
            u(4, Some(1), "东关街道办事处", "region", "/1/4/"),
            u(5, Some(4), "便民服务中心", "hall", "/1/4/5/"),
            u(6, Some(1), "区市场监督管理局", "department", "/1/6/"),
            u(7, Some(6), "登记注册科", "section", "/1/6/7/"),
        ])
    }

    #[test]
    fn names_point_at_one_unit_each() {
        let t = tree();
        assert_eq!(t.name(3), "南门街道办事处便民服务中心");
        assert_eq!(t.name(7), "登记注册科");
        for id in [1, 2, 3, 4, 5, 6, 7] {
            assert_eq!(t.resolve(&t.name(id)), [id], "{}", t.name(id));
        }
        assert_eq!(t.resolve("便民服务中心"), [3, 5]);
        assert_eq!(t.resolve("东关街道办事处 / 便民服务中心"), [5]);
        assert!(t.resolve("西关街道办事处便民服务中心").is_empty());
        assert_eq!(t.home(7), 6);
        assert_eq!(t.home(6), 6);
        assert!(t.within(7, 1) && t.within(7, 6) && !t.within(6, 7));
    }

    #[test]
    fn keys_of_walks_that_look_alike() {
        let mut c = WalkCounter::default();
        assert_eq!(c.next("2026-07-03", "a".into()), 0);
        assert_eq!(c.next("2026-07-03", "a".into()), 1);
        assert_eq!(c.next("2026-07-03", "b".into()), 0);
        assert_eq!(c.next("2026-07-04", "a".into()), 0);
        assert_eq!(
            ledger_walk("2026-07-03", "张三", "企业开办", "self", 1),
            "2026-07-03|张三|企业开办|self#2"
        );
        assert_eq!(
            items_key(&["b".into(), "a".into()], Some("x")),
            items_key(&["a".into(), "b".into()], None)
        );
        assert_eq!(items_key(&[], Some("x")), "x");
    }
}
