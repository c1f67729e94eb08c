//! 名称 what a record is called on screen: an activity by its date, unit and
//! officials, a plan likewise with its half-day, a problem or a need by its
//! first words, an account by its display name. Answers carry these beside
//! the ids they key on, so no page shows a bare number.

use crate::campaign::id_list;
use crate::{Result, Store};
use std::collections::HashMap;

/// How many characters of a description name a problem or a need.
const TEXT_LABEL_CHARS: usize = 24;

/// The first words of a text, `…` when cut.
pub fn text_label(text: &str) -> String {
    let text = text.trim();
    let mut out: String = text.chars().take(TEXT_LABEL_CHARS).collect();
    if text.chars().count() > TEXT_LABEL_CHARS {
        out.push('…');
    }
    out
}

/// The distinct ids among `ids`, without the absent ones.
fn distinct(ids: impl IntoIterator<Item = Option<i64>>) -> Vec<i64> {
    let mut v: Vec<i64> = ids.into_iter().flatten().collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// The ids a page of records names, gathered so that [`Store::names`]
/// reads every name in one query.
#[derive(Debug, Default)]
pub struct NameIds {
    pub units: Vec<Option<i64>>,
    pub items: Vec<Option<i64>>,
    pub users: Vec<Option<i64>>,
    pub activities: Vec<Option<i64>>,
    pub problems: Vec<Option<i64>>,
    pub needs: Vec<Option<i64>>,
}

/// The names of [`NameIds`]: units, items, accounts' display names,
/// activities labelled as [`Store::activity_labels`] labels them, problems
/// and needs by their first words.
#[derive(Debug, Default)]
pub struct Names {
    pub units: HashMap<i64, String>,
    pub items: HashMap<i64, String>,
    pub users: HashMap<i64, String>,
    pub activities: HashMap<i64, String>,
    pub problems: HashMap<i64, String>,
    pub needs: HashMap<i64, String>,
}

/// One row of [`Store::names`]: which name it is, the id it names, its text,
/// an activity's unit, and the order of an activity's officials.
type NameRow = (String, i64, String, Option<String>, i64);

impl Store {
    /// Every name `ids` asks for, in one query (a page of records would
    /// otherwise ask one per kind of name).
    pub async fn names(&self, ids: NameIds) -> Result<Names> {
        let units = distinct(ids.units);
        let items = distinct(ids.items);
        let users = distinct(ids.users);
        let activities = distinct(ids.activities);
        let problems = distinct(ids.problems);
        let needs = distinct(ids.needs);
        let mut args = Vec::new();
        let mut marks = |ids: &[i64]| {
            let from = args.len();
            args.extend(ids.iter().map(|x| crate::Arg::from(*x)));
            (from + 1..=args.len())
                .map(|n| format!("${n}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut parts = Vec::new();
        // The names read as they are: (tag, table, column, ids).
        let plain = [
            ("u", "units", "name", &units),
            ("i", "items", "name", &items),
            ("s", "users", "display_name", &users),
            ("p", "problems", "description", &problems),
            ("n", "needs", "content", &needs),
        ];
        for (tag, table, column, ids) in plain {
            if !ids.is_empty() {
                parts.push(format!(
                    "SELECT '{tag}', id, {column}, NULL, CAST(0 AS BIGINT) FROM {table} WHERE id IN ({})",
                    marks(ids)
                ));
            }
        }
        if !activities.is_empty() {
            let m = marks(&activities);
            parts.push(format!(
                "SELECT 'a', a.id, a.date, n.name, CAST(0 AS BIGINT) FROM activities a JOIN units n ON n.id = a.unit_id WHERE a.id IN ({m})"
            ));
            parts.push(format!(
                "SELECT 'o', l.activity_id, o.name, NULL, o.id FROM activity_officials l \
                 JOIN officials o ON o.id = l.official_id WHERE l.activity_id IN ({m})"
            ));
        }
        let mut out = Names::default();
        if parts.is_empty() {
            return Ok(out);
        }
        let sql = format!("{} ORDER BY 1, 2, 5", parts.join(" UNION ALL "));
        let rows: Vec<NameRow> = self.db.fetch_all(&sql, args).await?;
        let mut dated: HashMap<i64, (String, String)> = HashMap::new();
        let mut officials: HashMap<i64, Vec<String>> = HashMap::new();
        for (kind, id, text, unit, _) in rows {
            match kind.as_str() {
                "u" => {
                    out.units.insert(id, text);
                }
                "i" => {
                    out.items.insert(id, text);
                }
                "s" => {
                    out.users.insert(id, text);
                }
                "p" => {
                    out.problems.insert(id, text_label(&text));
                }
                "n" => {
                    out.needs.insert(id, text_label(&text));
                }
                "a" => {
                    dated.insert(id, (text, unit.unwrap_or_default()));
                }
                _ => officials.entry(id).or_default().push(text),
            }
        }
        out.activities = dated
            .into_iter()
            .map(|(id, (date, unit))| {
                let who = officials.remove(&id).unwrap_or_default().join("、");
                (id, join_label(&[&date, &unit, &who]))
            })
            .collect();
        Ok(out)
    }

    /// `id → name` of rows of `table` (units, items, officials).
    async fn names_of(
        &self,
        table: &str,
        column: &str,
        ids: &[i64],
    ) -> Result<HashMap<i64, String>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let (marks, a) = id_list(ids);
        let rows: Vec<(i64, String)> = self
            .db
            .fetch_all(
                &format!("SELECT id, {column} FROM {table} WHERE id IN ({marks})"),
                a,
            )
            .await?;
        Ok(rows.into_iter().collect())
    }

    /// Unit names by id, whatever the caller's scope (names only).
    pub async fn unit_name_map(
        &self,
        ids: impl IntoIterator<Item = Option<i64>>,
    ) -> Result<HashMap<i64, String>> {
        self.names_of("units", "name", &distinct(ids)).await
    }

    /// Service item names by id.
    pub async fn item_name_map(
        &self,
        ids: impl IntoIterator<Item = Option<i64>>,
    ) -> Result<HashMap<i64, String>> {
        self.names_of("items", "name", &distinct(ids)).await
    }

    /// Official names by id.
    pub async fn official_name_map(
        &self,
        ids: impl IntoIterator<Item = Option<i64>>,
    ) -> Result<HashMap<i64, String>> {
        self.names_of("officials", "name", &distinct(ids)).await
    }

    /// Accounts' display names (姓名) by id.
    pub async fn user_name_map(
        &self,
        ids: impl IntoIterator<Item = Option<i64>>,
    ) -> Result<HashMap<i64, String>> {
        self.names_of("users", "display_name", &distinct(ids)).await
    }

    /// Accounts' display names by login name, for records that kept only
    /// the login (the audit trail, a timeline).
    pub async fn user_names_by_login(
        &self,
        logins: impl IntoIterator<Item = String>,
    ) -> Result<HashMap<String, String>> {
        let mut logins: Vec<String> = logins.into_iter().collect();
        logins.sort_unstable();
        logins.dedup();
        if logins.is_empty() {
            return Ok(HashMap::new());
        }
        let marks: Vec<String> = (1..=logins.len()).map(|n| format!("${n}")).collect();
        let a = logins.iter().map(|l| crate::Arg::from(l.clone())).collect();
        let rows: Vec<(String, String)> = self
            .db
            .fetch_all(
                &format!(
                    "SELECT username, display_name FROM users WHERE username IN ({})",
                    marks.join(", ")
                ),
                a,
            )
            .await?;
        Ok(rows.into_iter().collect())
    }

    /// The officials of each of `ids` through `link` (`activity_officials`,
    /// `plan_officials`), joined by 、 in id order.
    async fn official_lists(
        &self,
        link: &str,
        owner: &str,
        ids: &[i64],
    ) -> Result<HashMap<i64, String>> {
        let (marks, a) = id_list(ids);
        let rows: Vec<(i64, String)> = self
            .db
            .fetch_all(
                &format!(
                    "SELECT l.{owner}, o.name FROM {link} l JOIN officials o ON o.id = l.official_id \
                     WHERE l.{owner} IN ({marks}) ORDER BY l.{owner}, o.id"
                ),
                a,
            )
            .await?;
        let mut out: HashMap<i64, Vec<String>> = HashMap::new();
        for (id, name) in rows {
            out.entry(id).or_default().push(name);
        }
        Ok(out.into_iter().map(|(k, v)| (k, v.join("、"))).collect())
    }

    /// Activities named by date, unit and officials: `2024-03-05 区市场监督管理局 宋超、黄丽华`.
    pub async fn activity_labels(
        &self,
        ids: impl IntoIterator<Item = Option<i64>>,
    ) -> Result<HashMap<i64, String>> {
        let ids = NameIds {
            activities: ids.into_iter().collect(),
            ..NameIds::default()
        };
        Ok(self.names(ids).await?.activities)
    }

    /// Plans named by date, half-day, unit and officials: `2024-03-05 上午 区市场监督管理局 宋超`.
    pub async fn plan_labels(
        &self,
        ids: impl IntoIterator<Item = Option<i64>>,
    ) -> Result<HashMap<i64, String>> {
        let ids = distinct(ids);
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let (marks, a) = id_list(&ids);
        let rows: Vec<(i64, String, String, String)> = self
            .db
            .fetch_all(
                &format!("SELECT p.id, p.date, p.slot, u.name FROM plans p JOIN units u ON u.id = p.unit_id WHERE p.id IN ({marks})"),
                a,
            )
            .await?;
        let officials = self
            .official_lists("plan_officials", "plan_id", &ids)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(id, date, slot, unit)| {
                let slot = zlc_domain::campaign::HalfDay::parse(&slot).map_or("", |s| s.label_zh());
                (
                    id,
                    join_label(&[
                        &date,
                        slot,
                        &unit,
                        officials.get(&id).map_or("", String::as_str),
                    ]),
                )
            })
            .collect())
    }

    /// Problems named by the first words of their description.
    pub async fn problem_labels(
        &self,
        ids: impl IntoIterator<Item = Option<i64>>,
    ) -> Result<HashMap<i64, String>> {
        Ok(self
            .names_of("problems", "description", &distinct(ids))
            .await?
            .into_iter()
            .map(|(k, v)| (k, text_label(&v)))
            .collect())
    }

    /// Measures named by the first words of their content.
    pub async fn measure_labels(
        &self,
        ids: impl IntoIterator<Item = Option<i64>>,
    ) -> Result<HashMap<i64, String>> {
        Ok(self
            .names_of("measures", "content", &distinct(ids))
            .await?
            .into_iter()
            .map(|(k, v)| (k, text_label(&v)))
            .collect())
    }

    /// Needs named by the first words of their content.
    pub async fn need_labels(
        &self,
        ids: impl IntoIterator<Item = Option<i64>>,
    ) -> Result<HashMap<i64, String>> {
        Ok(self
            .names_of("needs", "content", &distinct(ids))
            .await?
            .into_iter()
            .map(|(k, v)| (k, text_label(&v)))
            .collect())
    }
}

/// The non-empty parts, separated by spaces.
fn join_label(parts: &[&str]) -> String {
    parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_text_is_cut_with_an_ellipsis_a_short_one_kept() {
        assert_eq!(
            text_label("  窗口要求重复提交营业执照复印件 "),
            "窗口要求重复提交营业执照复印件"
        );
        let long = "办理个体工商户登记时窗口要求重复提交营业执照复印件和身份证复印件等材料";
        let cut = text_label(long);
        assert_eq!(cut.chars().count(), TEXT_LABEL_CHARS + 1);
        assert!(cut.ends_with('…') && long.starts_with(cut.trim_end_matches('…')));
    }

    #[test]
    fn labels_leave_out_empty_parts() {
        assert_eq!(
            join_label(&["2024-03-05", "", "区市场监督管理局", " "]),
            "2024-03-05 区市场监督管理局"
        );
    }
}
