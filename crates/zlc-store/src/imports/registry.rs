//! Where an imported row belongs: its unit (填报单位 and the unit tree),
//! the section, official and service item it names — found, or added
//! when the table is the first to name them.

use super::*;

impl ImportRun<'_> {
    /// The unit a sheet is for and the units it may name. With a unit
    /// chosen (`--unit`, the upload dialog), the sheet's 填报单位 may name one
    /// below it (a table of several units exported together); else the
    /// chosen unit is the sheet's. Without, the 填报单位 names it.
    pub(super) async fn unit_of(&mut self, sheet: &Sheet) -> Result<Option<(i64, UnitTree)>> {
        let named = sheet
            .meta
            .unit
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty());
        let unit = match (self.req.unit, named) {
            // Outside the caller's scope reads as absent (404), as everywhere.
            (Some(id), _) => Some(self.store.unit(self.scope, id).await?),
            (None, Some(name)) => {
                let found: Vec<Unit> = self
                    .store
                    .unit_by_label(name)
                    .await?
                    .into_iter()
                    .filter(|u| self.scope.contains(&u.path))
                    .collect();
                match found.as_slice() {
                    [one] => Some(one.clone()),
                    [] => {
                        let near = self.store.similar_unit_names(self.scope, name, 5).await?;
                        self.err(
                            sheet,
                            RowError::new(2, "填报单位", not_found("单位", name, &near)),
                        );
                        None
                    }
                    several => {
                        let paths: Vec<String> = several
                            .iter()
                            .map(|u| format!("{}（编号 {}）", u.name, u.id))
                            .collect();
                        self.err(
                            sheet,
                            RowError::new(
                                2,
                                "填报单位",
                                format!(
                                    "有 {} 个单位名为「{name}」：{}，请用 --unit 指定编号",
                                    several.len(),
                                    paths.join("、")
                                ),
                            ),
                        );
                        None
                    }
                }
            }
            (None, None) => {
                self.err(
                    sheet,
                    RowError::new(2, "填报单位", "未填写填报单位，也未指定导入到哪个单位"),
                );
                None
            }
        };
        let Some(unit) = unit else { return Ok(None) };
        // The units a table may name: from the unit its sections belong to
        // (a section's table names its sibling sections) down.
        let mut top = unit.clone();
        while top.kind == UnitKind::Section {
            let Some(p) = top.parent_id else { break };
            match self.store.unit(self.scope, p).await {
                Ok(parent) => top = parent,
                Err(_) => break,
            }
        }
        let tree = UnitTree::load(&mut self.tx, &top.path).await?;
        let mut id = unit.id;
        if self.req.unit.is_some()
            && let Some(name) = named
            && let [one] = tree
                .resolve(name)
                .into_iter()
                .filter(|u| tree.within(*u, unit.id))
                .collect::<Vec<_>>()
                .as_slice()
        {
            id = *one;
        }
        Ok(Some((id, tree)))
    }

    /// The unit a row belongs to: the one its 单位 names below the table's
    /// unit, else the table's. `None` (with the error kept) when it names
    /// none or several.
    pub(super) fn row_unit(
        &mut self,
        c: &Current,
        row: u32,
        named: Option<&String>,
    ) -> Option<i64> {
        let table = c.unit?;
        let Some(name) = named.map(|n| n.trim()).filter(|n| !n.is_empty()) else {
            return Some(table);
        };
        let found: Vec<i64> = c
            .tree
            .resolve(name)
            .into_iter()
            .filter(|u| c.tree.within(*u, table))
            .collect();
        match found.as_slice() {
            [one] => Some(*one),
            [] => {
                let below: Vec<&str> = c
                    .tree
                    .units
                    .values()
                    .filter(|u| c.tree.within(u.id, table))
                    .map(|u| u.name.as_str())
                    .collect();
                let near = closest(name, below, 5);
                let table_name = c.tree.units.get(&table).map(|u| u.name.clone());
                self.err(
                    &c.sheet,
                    RowError::new(
                        row,
                        "单位",
                        format!(
                            "{}（在「{}」之下）",
                            not_found("单位", name, &near),
                            table_name.unwrap_or_default()
                        ),
                    ),
                );
                None
            }
            several => {
                let names: Vec<String> = several.iter().map(|u| c.tree.name(*u)).collect();
                self.err(
                    &c.sheet,
                    RowError::new(
                        row,
                        "单位",
                        format!(
                            "有 {} 个单位名为「{name}」，请写明是哪一个：{}",
                            several.len(),
                            names.join("、")
                        ),
                    ),
                );
                None
            }
        }
    }

    /// The registry of unit `id`, loaded the first time a row names it.
    pub(super) async fn unit_ctx<'c>(
        &mut self,
        c: &'c mut Current,
        id: i64,
    ) -> Result<&'c mut UnitCtx> {
        if !c.units.contains_key(&id) {
            let u = self.load_unit(&c.tree, id).await?;
            c.units.insert(id, u);
        }
        c.units
            .get_mut(&id)
            .ok_or_else(|| StoreError::Conflict(format!("单位 {id} 不存在")))
    }

    pub(super) async fn load_unit(&mut self, tree: &UnitTree, id: i64) -> Result<UnitCtx> {
        let unit: Unit = self
            .tx
            .fetch_one("SELECT * FROM units WHERE id = $1", args![id])
            .await?;
        // Two imports into one unit at once would each miss the other's
        // keys: on PostgreSQL the second waits for the first (SQLite has
        // one writer anyway).
        if self.tx.kind() == Kind::Postgres {
            self.tx
                .execute(
                    "SELECT pg_advisory_xact_lock(7243, CAST($1 AS INTEGER))",
                    args![unit.id],
                )
                .await?;
        }
        let mut a = Vec::new();
        let cond = Scope::subtree(unit.path.clone()).condition("unit_path", &mut a);
        let rows: Vec<(i64, String, String, String, bool)> = self
            .tx
            .fetch_all(
                &format!("SELECT id, name, title, unit_path, phone_enc IS NOT NULL FROM officials WHERE active = TRUE AND {cond} ORDER BY id"),
                a,
            )
            .await?;
        let mut officials: HashMap<String, Vec<(i64, String, String, bool)>> = HashMap::new();
        for (id, name, title, path, phone) in rows {
            officials
                .entry(name)
                .or_default()
                .push((id, title, path, phone));
        }
        // Items of the subtree first, then of the ancestors the table knows,
        // nearest first (a section's walk experiences its department's items).
        let mut a = Vec::new();
        let cond = Scope::subtree(unit.path.clone()).condition("u.path", &mut a);
        let rows: Vec<(i64, String, String)> = self
            .tx
            .fetch_all(
                &format!("SELECT i.id, i.name, u.path FROM items i JOIN units u ON u.id = i.unit_id WHERE {cond} ORDER BY i.id"),
                a,
            )
            .await?;
        let mut items = HashMap::new();
        for (id, name, path) in rows {
            items.entry(name).or_insert((id, path));
        }
        let mut at = tree.units.get(&id).and_then(|u| u.parent);
        while let Some(p) = at.and_then(|p| tree.units.get(&p)) {
            let rows: Vec<(i64, String)> = self
                .tx
                .fetch_all(
                    "SELECT id, name FROM items WHERE unit_id = $1 ORDER BY id",
                    args![p.id],
                )
                .await?;
            for (iid, name) in rows {
                items.entry(name).or_insert((iid, p.path.clone()));
            }
            at = p.parent;
        }
        let mut keys: HashMap<&'static str, HashMap<KeyDigest, i64>> = HashMap::new();
        let read = |rows: Vec<(String, i64)>| -> HashMap<KeyDigest, i64> {
            rows.into_iter()
                .filter_map(|(k, id)| Some((stored(&k)?, id)))
                .collect()
        };
        let rows: Vec<(String, i64)> = self
            .tx
            .fetch_all(
                "SELECT import_key, id FROM activities WHERE unit_path = $1 AND unit_id = $2 AND import_key IS NOT NULL",
                args![&unit.path, unit.id],
            )
            .await?;
        keys.insert("activities", read(rows));
        let rows: Vec<(String, i64)> = self
            .tx
            .fetch_all(
                "SELECT import_key, id FROM plans WHERE unit_path = $1 AND unit_id = $2 AND import_key IS NOT NULL",
                args![&unit.path, unit.id],
            )
            .await?;
        keys.insert("plans", read(rows));
        // A walk's problems, needs and measures go with the walk, wherever
        // they were placed.
        for table in ["problems", "needs", "measures"] {
            let rows: Vec<(String, i64)> = self
                .tx
                .fetch_all(
                    &format!(
                        "SELECT x.import_key, x.id FROM {table} x JOIN activities a ON a.id = x.activity_id \
                         WHERE a.unit_path = $1 AND a.unit_id = $2 AND x.import_key IS NOT NULL"
                    ),
                    args![&unit.path, unit.id],
                )
                .await?;
            keys.insert(table, read(rows));
        }
        let mut visitors = HashMap::new();
        self.derived_keys(unit.id, &unit.path, &mut keys, &mut visitors)
            .await?;
        Ok(UnitCtx {
            region: region_of(&unit.path).unwrap_or(unit.id),
            unit,
            officials,
            items,
            keys,
            visitors,
        })
    }

    /// 责任科室 of a row of unit `unit`: a section of the unit's department
    /// (the unit itself, or the one it is a section of), else any unit the
    /// table knows by that name (another department, a section elsewhere),
    /// else a new section of the department — unless one of its sections is
    /// named one character apart, which is refused, naming it. `None` (with
    /// the error kept) when refused.
    pub(super) async fn placement(
        &mut self,
        c: &mut Current,
        unit: i64,
        row: u32,
        name: Option<&String>,
        any_unit: bool,
    ) -> Result<Option<Placement>> {
        let at = |tree: &UnitTree, unit: i64, section: Option<i64>| Placement {
            unit,
            path: tree
                .units
                .get(&unit)
                .map(|u| u.path.clone())
                .unwrap_or_default(),
            section,
        };
        let Some(name) = name.map(|n| n.trim()).filter(|n| !n.is_empty()) else {
            return Ok(Some(at(&c.tree, unit, None)));
        };
        let home = c.tree.home(unit);
        let section = UnitKind::Section.code();
        let sections_of_home = |tree: &UnitTree| -> Vec<(i64, String)> {
            tree.units
                .values()
                .filter(|u| u.kind == section && u.id != home && tree.within(u.id, home))
                .map(|u| (u.id, u.name.clone()))
                .collect()
        };
        // A section goes with the row's unit when it is one of its own,
        // else with the unit it is a section of; another unit takes the
        // problem itself.
        let placed = |tree: &UnitTree, s: i64| {
            if tree.units.get(&s).is_none_or(|u| u.kind != section) {
                return at(tree, s, None);
            }
            let owner = if tree.within(s, unit) {
                unit
            } else {
                tree.units.get(&s).and_then(|u| u.parent).unwrap_or(unit)
            };
            at(tree, owner, Some(s))
        };
        if let Some((s, _)) = sections_of_home(&c.tree)
            .into_iter()
            .filter(|(_, n)| n == name)
            .min()
        {
            return Ok(Some(placed(&c.tree, s)));
        }
        let table = c.unit.unwrap_or(unit);
        let known: Vec<i64> = c
            .tree
            .resolve(name)
            .into_iter()
            .filter(|u| c.tree.within(*u, table) || c.tree.within(*u, home))
            .filter(|u| any_unit || c.tree.units.get(u).is_some_and(|x| x.kind == section))
            .collect();
        if let [one] = known.as_slice() {
            return Ok(Some(placed(&c.tree, *one)));
        }
        let mut siblings = sections_of_home(&c.tree);
        siblings.sort();
        if let Some((_, twin)) = siblings.into_iter().find(|(_, n)| one_char_apart(n, name)) {
            self.err(
                &c.sheet,
                RowError::new(row, "责任科室", near_twin("科室", name, &twin)),
            );
            return Ok(None);
        }
        let Some(h) = c.tree.units.get(&home).cloned() else {
            return Ok(Some(at(&c.tree, unit, None)));
        };
        if !self.errors.is_empty() {
            // Nothing will be written: the section is not made.
            return Ok(Some(at(&c.tree, unit, None)));
        }
        let depth = i64::try_from(h.path.matches('/').count().saturating_sub(1)).unwrap_or(0);
        let made = rows::insert_returning_id(
            &mut self.tx,
            UnitRow {
                parent_id: Some(home),
                // Named once the id is known.
                path: String::new(),
                depth,
                name: name.to_string(),
                kind: UnitKind::Section.code().into(),
                created_at: self.now,
                updated_at: self.now,
                ..UnitRow::default()
            },
        )
        .await?;
        let path = format!("{}{}/", h.path, made);
        self.tx
            .execute(
                "UPDATE units SET path = $1 WHERE id = $2",
                args![&path, made],
            )
            .await?;
        c.tree.add(TreeUnit {
            id: made,
            parent: Some(home),
            name: name.to_string(),
            kind: UnitKind::Section.code().to_string(),
            path,
        });
        self.created_units.push(made);
        self.sum.sections_added += 1;
        self.sum
            .sections_added_names
            .push(format!("{name}（{}）", h.name));
        Ok(Some(placed(&c.tree, made)))
    }

    /// The official a row names: by name in the unit's subtree (the one
    /// whose title matches, if several), else added to the unit.
    pub(super) async fn official(
        &mut self,
        u: &mut UnitCtx,
        p: &PersonRef,
        phone: Option<&str>,
    ) -> Result<(i64, String)> {
        if let Some(list) = u.officials.get(&p.name) {
            let pick = list
                .iter()
                .find(|o| !p.title.is_empty() && o.1 == p.title)
                .or_else(|| list.first())
                .cloned();
            if let Some((id, _, path, has_phone)) = pick {
                if let (Some(phone), false) = (phone, has_phone) {
                    let sealed = self.store.cipher.encrypt(phone)?;
                    self.tx
                        .execute(
                            "UPDATE officials SET phone_enc = $1, version = version + 1, updated_at = $2 WHERE id = $3",
                            args![sealed, self.now, id],
                        )
                        .await?;
                    if let Some(list) = u.officials.get_mut(&p.name) {
                        for o in list.iter_mut().filter(|o| o.0 == id) {
                            o.3 = true;
                        }
                    }
                }
                return Ok((id, path));
            }
        }
        let sealed = self.store.cipher.encrypt_opt(phone)?;
        let id = rows::insert_returning_id(
            &mut self.tx,
            OfficialRow {
                version: rows::Version::FIRST,
                id: None,
                unit_id: u.unit.id,
                unit_path: u.unit.path.clone(),
                name: p.name.clone(),
                title: p.title.clone(),
                rank: p.rank().code().into(),
                phone_enc: sealed,
                active: true,
                created_at: self.now,
                updated_at: self.now,
            },
        )
        .await?;
        crate::stats::ranks_changed(
            &mut self.tx,
            None,
            crate::stats::rank_key(true, &u.unit.path, p.rank().code()),
        )
        .await?;
        self.sum.officials_added += 1;
        self.created_officials.push(id);
        u.officials.entry(p.name.clone()).or_default().push((
            id,
            p.title.clone(),
            u.unit.path.clone(),
            phone.is_some(),
        ));
        Ok((id, u.unit.path.clone()))
    }

    /// The official a row of unit `unit` names (see [`Self::official`]).
    pub(super) async fn official_in(
        &mut self,
        c: &mut Current,
        unit: i64,
        p: &PersonRef,
        phone: Option<&str>,
    ) -> Result<(i64, String)> {
        let u = self.unit_ctx(c, unit).await?;
        self.official(u, p, phone).await
    }

    /// The service item a row of unit `unit` names: by name in the unit's
    /// subtree or of its ancestors, else the one item of that name anywhere
    /// below the table's unit, else added to the unit. Returns the item and
    /// its unit's path.
    pub(super) async fn item_in(
        &mut self,
        c: &mut Current,
        unit: i64,
        name: &str,
    ) -> Result<(i64, String)> {
        let name = name.trim();
        if let Some(found) = self.unit_ctx(c, unit).await?.items.get(name) {
            return Ok(found.clone());
        }
        // The one item of that name anywhere the import may reach (a
        // street's hotline shift handles departments' items).
        let found = match self.wide_items.get(name) {
            Some(f) => f.clone(),
            None => {
                let scope = match self.req.unit {
                    Some(_) => c
                        .unit
                        .and_then(|t| c.tree.units.get(&t))
                        .map(|t| Scope::subtree(t.path.clone()))
                        .unwrap_or(Scope {
                            path: self.scope.path.clone(),
                        }),
                    None => Scope {
                        path: self.scope.path.clone(),
                    },
                };
                let mut a = args![name];
                let cond = scope.condition("u.path", &mut a);
                let rows: Vec<(i64, String)> = self
                    .tx
                    .fetch_all(
                        &format!("SELECT i.id, u.path FROM items i JOIN units u ON u.id = i.unit_id WHERE i.name = $1 AND {cond} ORDER BY i.id LIMIT 2"),
                        a,
                    )
                    .await?;
                let one = match rows.as_slice() {
                    [one] => Some(one.clone()),
                    _ => None,
                };
                self.wide_items.insert(name.to_string(), one.clone());
                one
            }
        };
        if let Some(one) = found {
            self.unit_ctx(c, unit)
                .await?
                .items
                .insert(name.to_string(), one.clone());
            return Ok(one);
        }
        let u = self.unit_ctx(c, unit).await?;
        let id = rows::insert_returning_id(
            &mut self.tx,
            ItemRow {
                unit_id: u.unit.id,
                name: name.to_string(),
                item_type: "other".into(),
                power_category: PowerCategory::PublicService.code().into(),
                service_object: "both".into(),
                handling_mode: "both".into(),
                created_at: self.now,
                updated_at: self.now,
                ..ItemRow::default()
            },
        )
        .await?;
        self.sum.items_added += 1;
        self.created_items.push(id);
        let path = u.unit.path.clone();
        u.items.insert(name.to_string(), (id, path.clone()));
        // Another unit of the table naming it would now find two: its own is made.
        self.wide_items.insert(name.to_string(), None);
        Ok((id, path))
    }

    pub(super) fn known(u: &UnitCtx, table: &'static str, key: &str) -> Option<i64> {
        u.keys.get(table).and_then(|k| k.get(&digest(key))).copied()
    }

    pub(super) fn remember(u: &mut UnitCtx, table: &'static str, key: &str, id: i64) {
        u.keys.entry(table).or_default().insert(digest(key), id);
    }
}
