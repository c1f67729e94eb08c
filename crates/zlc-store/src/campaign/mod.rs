//! The campaign's records: plans (计划), activities (活动记录) with callbacks
//! (回访), and the three ledgers — problems (问题清单) with their timeline,
//! needs (需求清单) and measures (整改清单). The rules (what may be filed,
//! which transition is allowed) are the domain's; this module stores what the
//! caller decided, in one transaction with its audit entry.

use crate::audit::{self, Change};
use crate::rows::{self, ActivityRow, MeasureRow, NeedRow, PlanRow, ProblemEventRow, ProblemRow};
use crate::stats::{self, Flow};
use crate::{Actor, Arg, Page, PageRequest, Result, Scope, Store, StoreError, Tx, args, now_ms};
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;

/// The ancestor directly below the root (a region or department of the tree
/// root), from a materialised path; a root unit is its own region.
pub fn region_of(path: &str) -> Option<i64> {
    let ids: Vec<i64> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    ids.get(1).or_else(|| ids.first()).copied()
}

/// A problem solved: counted in the month of its `closed_on`.
const SOLVED: Flow = Flow {
    problems_solved: 1,
    ..Flow::ZERO
};

fn join_ids(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

pub fn split_ids(s: &str) -> Vec<i64> {
    s.split(',').filter_map(|x| x.trim().parse().ok()).collect()
}

/// A unit inside the caller's scope, as (path, region id); else a field error.
async fn placed(tx: &mut Tx, scope: &Scope, unit_id: i64, field: &str) -> Result<(String, i64)> {
    let path: Option<String> = tx
        .scalar("SELECT path FROM units WHERE id = $1", args![unit_id])
        .await?;
    match path {
        Some(p) if scope.contains(&p) => {
            let region = region_of(&p).unwrap_or(unit_id);
            Ok((p, region))
        }
        _ => Err(StoreError::invalid(
            field,
            format!("单位 {unit_id} 不存在或不在您的数据范围内"),
        )),
    }
}

/// Checks that every id names a row of `table` in the caller's scope.
async fn all_in_scope(
    tx: &mut Tx,
    scope: &Scope,
    table: &str,
    ids: &[i64],
    field: &str,
) -> Result<()> {
    for id in ids {
        let mut a = args![*id];
        let cond = scope.condition("u.path", &mut a);
        let found: Option<i64> = tx
            .scalar(&format!("SELECT t.id FROM {table} t JOIN units u ON u.id = t.unit_id WHERE t.id = $1 AND {cond}"), a)
            .await?;
        if found.is_none() {
            return Err(StoreError::invalid(
                field,
                format!("{id} 不存在或不在您的数据范围内"),
            ));
        }
    }
    Ok(())
}

async fn set_links(
    tx: &mut Tx,
    table: &str,
    owner: &str,
    other: &str,
    id: i64,
    ids: &[i64],
) -> Result<()> {
    tx.execute(
        &format!("DELETE FROM {table} WHERE {owner} = $1"),
        args![id],
    )
    .await?;
    let mut seen = std::collections::BTreeSet::new();
    for x in ids {
        if seen.insert(*x) {
            tx.execute(
                &format!("INSERT INTO {table} ({owner}, {other}) VALUES ($1, $2)"),
                args![id, *x],
            )
            .await?;
        }
    }
    Ok(())
}

/// `$1, $2, …` for `n` values, and the values as arguments.
pub(crate) fn id_list(ids: &[i64]) -> (String, Vec<Arg>) {
    let marks: Vec<String> = (1..=ids.len()).map(|n| format!("${n}")).collect();
    (
        marks.join(", "),
        ids.iter().map(|x| Arg::from(*x)).collect(),
    )
}

/// The `other` ids linked through `table` to each of `ids`, in one query.
async fn links_of(
    db: &crate::Db,
    table: &str,
    owner: &str,
    other: &str,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<i64>>> {
    let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let (marks, a) = id_list(ids);
    let rows: Vec<(i64, i64)> = db
        .fetch_all(
            &format!("SELECT {owner}, {other} FROM {table} WHERE {owner} IN ({marks}) ORDER BY {owner}, {other}"),
            a,
        )
        .await?;
    for (k, v) in rows {
        out.entry(k).or_default().push(v);
    }
    Ok(out)
}

/// Fetches a row of `table` by id if its `unit_path` lies in the scope.
async fn scoped<T: crate::db::Record>(
    db_or_tx: &mut Tx,
    scope: &Scope,
    table: &str,
    id: i64,
) -> Result<T> {
    let mut a = args![id];
    let cond = scope.condition("unit_path", &mut a);
    db_or_tx
        .fetch_optional(
            &format!("SELECT * FROM {table} WHERE id = $1 AND {cond}"),
            a,
        )
        .await?
        .ok_or(StoreError::NotFound)
}

async fn scoped_read<T: crate::db::Record>(
    db: &crate::Db,
    scope: &Scope,
    table: &str,
    id: i64,
) -> Result<T> {
    let mut a = args![id];
    let cond = scope.condition("unit_path", &mut a);
    db.fetch_optional(
        &format!("SELECT * FROM {table} WHERE id = $1 AND {cond}"),
        a,
    )
    .await?
    .ok_or(StoreError::NotFound)
}

fn check_version(found: i64, given: i64) -> Result<()> {
    if found == given {
        Ok(())
    } else {
        Err(StoreError::Stale { current: found })
    }
}

mod activities;
mod filter;
mod ledgers;
mod plans;
mod problems;

pub use activities::*;
pub use filter::*;
pub use ledgers::*;
pub use plans::*;
pub use problems::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_are_the_ancestors_below_the_root() {
        assert_eq!(region_of("/1/"), Some(1));
        assert_eq!(region_of("/1/5/"), Some(5));
        assert_eq!(region_of("/1/5/23/40/"), Some(5));
        assert_eq!(region_of(""), None);
    }

    #[test]
    fn where_binds_one_value_to_every_placeholder_of_a_condition() {
        let mut w = Where::new(Some(7));
        w.push("(a LIKE $? OR b LIKE $?)", "%x%");
        w.push("c = $?", 3i64);
        assert_eq!(w.sql, "id > $1 AND (a LIKE $2 OR b LIKE $2) AND c = $3");
        assert_eq!(w.args.len(), 3);
        assert_eq!(split_ids("1, 2,x,3"), vec![1, 2, 3]);
        assert_eq!(like_pattern("100%_a\\b"), "%100\\%\\_a\\\\b%");
        assert_eq!(join_ids(&[4, 5]), "4,5");
    }
}
