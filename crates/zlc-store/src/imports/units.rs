//! 单位 the unit list.

use super::*;

impl ImportRun<'_> {
    /// 单位名单: each unit under its 上级单位, which exists already or comes
    /// in another row of the file (in any order).
    pub(super) async fn units(&mut self, sheet: &Sheet, rows: &[UnitEntry]) -> Result<()> {
        let mut pending: Vec<&UnitEntry> = rows.iter().collect();
        // Names of units in the file, to tell "comes later" from "does not exist".
        let in_file: HashSet<&str> = rows.iter().map(|r| r.name.trim()).collect();
        let mut made: HashMap<String, Unit> = HashMap::new();
        loop {
            let mut progress = false;
            let mut later = Vec::new();
            for r in pending {
                let parent = match r.parent.as_deref().map(str::trim) {
                    None => None,
                    Some(p) => match made.get(p) {
                        Some(u) => Some(u.clone()),
                        None => {
                            let found: Vec<Unit> = self
                                .tx
                                .fetch_all(
                                    "SELECT * FROM units WHERE name = $1 ORDER BY id",
                                    args![p],
                                )
                                .await?;
                            let found: Vec<Unit> = found
                                .into_iter()
                                .filter(|u| self.scope.contains(&u.path))
                                .collect();
                            match found.as_slice() {
                                [one] => Some(one.clone()),
                                [] if in_file.contains(p) && p != r.name.trim() => {
                                    later.push(r);
                                    continue;
                                }
                                [] => {
                                    let near =
                                        self.store.similar_unit_names(self.scope, p, 5).await?;
                                    self.err(
                                        sheet,
                                        RowError::new(
                                            r.row,
                                            "上级单位",
                                            not_found("单位", p, &near),
                                        ),
                                    );
                                    continue;
                                }
                                several => {
                                    let ids: Vec<String> =
                                        several.iter().map(|u| u.id.to_string()).collect();
                                    self.err(
                                        sheet,
                                        RowError::new(
                                            r.row,
                                            "上级单位",
                                            format!(
                                                "有 {} 个单位名为「{p}」（编号 {}），无法确定",
                                                several.len(),
                                                ids.join("、")
                                            ),
                                        ),
                                    );
                                    continue;
                                }
                            }
                        }
                    },
                };
                progress = true;
                // A scoped account may name its own top unit (a table it
                // exported), not add another.
                let own_top = match (&parent, &self.scope.path) {
                    (None, Some(_)) => {
                        let tops: Vec<Unit> = self
                            .tx
                            .fetch_all(
                                "SELECT * FROM units WHERE parent_id IS NULL AND name = $1",
                                args![r.name.trim()],
                            )
                            .await?;
                        tops.iter().any(|u| self.scope.contains(&u.path))
                    }
                    _ => false,
                };
                if parent.is_none() && self.scope.path.is_some() && !own_top {
                    self.err(
                        sheet,
                        RowError::new(r.row, "上级单位", "不能为空：只有全域账号可以添加顶级单位"),
                    );
                    continue;
                }
                if !self.errors.is_empty() {
                    continue;
                }
                let cats: Vec<&str> = r.categories.iter().map(|c| c.code()).collect();
                let cats = cats.join(",");
                let parent_id = parent.as_ref().map(|p| p.id);
                let existing: Option<Unit> = self
                    .tx
                    .fetch_optional(
                        "SELECT * FROM units WHERE COALESCE(parent_id, 0) = $1 AND name = $2",
                        args![parent_id.unwrap_or(0), r.name.trim()],
                    )
                    .await?;
                let unit = match existing {
                    Some(old) if old.kind == r.kind && old.categories == cats => {
                        self.sum.unchanged += 1;
                        old
                    }
                    Some(old) => {
                        self.sum.units_updated += 1;
                        self.tx
                            .fetch_one(
                                "UPDATE units SET kind = $1, categories = $2, version = version + 1, updated_at = $3 WHERE id = $4 RETURNING *",
                                args![r.kind.code(), &cats, self.now, old.id],
                            )
                            .await?
                    }
                    None => {
                        let (ppath, depth) = parent
                            .as_ref()
                            .map(|p| (p.path.clone(), p.depth + 1))
                            .unwrap_or(("/".into(), 0));
                        let u: Unit = rows::insert_returning(
                            &mut self.tx,
                            UnitRow {
                                parent_id,
                                // Named once the id is known.
                                path: String::new(),
                                depth,
                                name: r.name.trim().to_string(),
                                kind: r.kind.code().into(),
                                categories: cats.clone(),
                                created_at: self.now,
                                updated_at: self.now,
                                ..UnitRow::default()
                            },
                        )
                        .await?;
                        let path = format!("{ppath}{}/", u.id);
                        let u: Unit = self
                            .tx
                            .fetch_one(
                                "UPDATE units SET path = $1 WHERE id = $2 RETURNING *",
                                args![&path, u.id],
                            )
                            .await?;
                        self.sum.units += 1;
                        self.created_units.push(u.id);
                        u
                    }
                };
                made.insert(unit.name.clone(), unit);
            }
            if later.is_empty() {
                break;
            }
            if !progress {
                for r in later {
                    let p = r.parent.as_deref().unwrap_or_default();
                    self.err(
                        sheet,
                        RowError::new(
                            r.row,
                            "上级单位",
                            format!("上级单位「{p}」与本表其他行互为上级，无法确定层级"),
                        ),
                    );
                }
                break;
            }
            pending = later;
        }
        Ok(())
    }
}
