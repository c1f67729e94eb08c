//! The registry: units (a tree), officials and service items with the history
//! of their process figures. Every read and write is limited to a [`Scope`]:
//! a record outside it is [`StoreError::NotFound`], as if it did not exist.

use crate::audit::{self, Change};
use crate::rows::{self, ItemFiguresRow, ItemRow, OfficialRow, UnitRow};
use crate::{
    Actor, Arg, Page, PageRequest, Result, Scope, Store, StoreError, Tx, args, now_ms, unique_as,
};
use serde::Serialize;
use serde_json::json;
use zlc_domain::kinds::Rank;
use zlc_domain::registry::{
    HandlingMode, ItemType, PowerCategory, ProcessFigures, ServiceObject, UnitInput, UnitKind,
};

/// 单位 as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, PartialEq)]
pub struct Unit {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub path: String,
    pub depth: i64,
    pub name: String,
    pub kind: UnitKind,
    /// Category codes joined by `,`.
    pub categories: String,
    pub code: Option<String>,
    pub sort: i64,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
    /// 牵头单位 the office that issues the region's notices.
    pub lead_office: Option<String>,
}

/// 人员 as stored; the phone stays sealed until the server decides how to show it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Official {
    pub id: i64,
    pub unit_id: i64,
    pub name: String,
    pub title: String,
    pub rank: Rank,
    #[serde(skip)]
    pub phone_enc: Option<String>,
    pub active: bool,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A validated official, phone in clear (sealed by the store).
#[derive(Debug, Clone)]
pub struct OfficialInput {
    pub unit_id: i64,
    pub name: String,
    pub title: String,
    pub rank: String,
    pub phone: Option<String>,
    pub active: bool,
}

/// 事项 as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Item {
    pub id: i64,
    pub unit_id: i64,
    pub section_id: Option<i64>,
    pub name: String,
    pub item_type: ItemType,
    pub power_category: PowerCategory,
    pub service_object: ServiceObject,
    pub handling_mode: HandlingMode,
    /// 办理途径: a web address or a place, as written.
    pub channel: Option<String>,
    pub contact: Option<String>,
    pub note: Option<String>,
    pub materials: Option<i64>,
    pub time_limit_days: Option<i64>,
    pub steps: Option<i64>,
    pub trips: Option<i64>,
    pub online: Option<bool>,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Item {
    pub fn figures(&self) -> ProcessFigures {
        let i = |v: Option<i64>| v.and_then(|x| i32::try_from(x).ok());
        ProcessFigures {
            materials: i(self.materials),
            time_limit_days: i(self.time_limit_days),
            steps: i(self.steps),
            trips: i(self.trips),
            online: self.online,
        }
    }
}

/// A validated item; vocabularies already parsed to their codes.
#[derive(Debug, Clone)]
pub struct ItemInput {
    pub unit_id: i64,
    pub section_id: Option<i64>,
    pub name: String,
    pub item_type: String,
    pub power_category: String,
    pub service_object: String,
    pub handling_mode: String,
    pub channel: Option<String>,
    pub contact: Option<String>,
    pub note: Option<String>,
    pub figures: ProcessFigures,
}

/// 流程要素历史 one recorded state of an item's process figures.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct FiguresRecord {
    pub id: i64,
    pub item_id: i64,
    pub materials: Option<i64>,
    pub time_limit_days: Option<i64>,
    pub steps: Option<i64>,
    pub trips: Option<i64>,
    pub online: Option<bool>,
    pub source: String,
    pub note: Option<String>,
    pub recorded_by: Option<i64>,
    pub recorded_at: i64,
}

/// Filters of the registry lists.
#[derive(Debug, Default, Clone)]
pub struct RegistryFilter {
    /// Only records in this unit's subtree (inside the caller's scope).
    pub unit: Option<i64>,
    /// Units: direct children of this unit.
    pub parent: Option<i64>,
    pub kind: Option<String>,
    pub q: Option<String>,
}

fn unit_json(u: &Unit) -> serde_json::Value {
    json!({"name": u.name, "parent_id": u.parent_id, "kind": u.kind, "categories": u.categories,
           "code": u.code, "sort": u.sort, "lead_office": u.lead_office, "version": u.version})
}

fn official_json(o: &Official) -> serde_json::Value {
    // The phone is personal data: the audit trail records that it changed, not its value.
    json!({"unit_id": o.unit_id, "name": o.name, "title": o.title, "rank": o.rank,
           "phone_set": o.phone_enc.is_some(), "active": o.active, "version": o.version})
}

fn item_json(i: &Item) -> Result<serde_json::Value> {
    Ok(serde_json::to_value(i)?)
}

fn fk_conflict(message: &'static str) -> impl Fn(sqlx::Error) -> StoreError {
    move |e| match &e {
        sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
            StoreError::Conflict(message.into())
        }
        _ => StoreError::Db(e),
    }
}

/// Appends the subtree condition of `unit` (checked against the scope) to `sql`.
async fn narrow(
    store: &Store,
    scope: &Scope,
    unit: Option<i64>,
    column: &str,
    a: &mut Vec<Arg>,
) -> Result<String> {
    let scope = match unit {
        Some(u) => Scope::subtree(store.unit(scope, u).await?.path),
        None => scope.clone(),
    };
    Ok(scope.condition(column, a))
}

impl Store {
    /// The path of a unit, inside a transaction; a missing unit is a field error.
    pub(crate) async fn unit_path_tx(&self, tx: &mut Tx, id: i64) -> Result<String> {
        tx.scalar::<String>("SELECT path FROM units WHERE id = $1", args![id])
            .await?
            .ok_or_else(|| StoreError::invalid("unit_id", format!("单位 {id} 不存在")))
    }

    async fn unit_in_scope_tx(
        &self,
        tx: &mut Tx,
        scope: &Scope,
        id: i64,
        field: &str,
    ) -> Result<Unit> {
        match tx
            .fetch_optional::<Unit>("SELECT * FROM units WHERE id = $1", args![id])
            .await?
        {
            Some(u) if scope.contains(&u.path) => Ok(u),
            _ => Err(StoreError::invalid(
                field,
                format!("单位 {id} 不存在或不在您的数据范围内"),
            )),
        }
    }

    pub async fn unit(&self, scope: &Scope, id: i64) -> Result<Unit> {
        match self
            .db
            .fetch_optional::<Unit>("SELECT * FROM units WHERE id = $1", args![id])
            .await?
        {
            Some(u) if scope.contains(&u.path) => Ok(u),
            _ => Err(StoreError::NotFound),
        }
    }

    /// The names of units by id, in or out of the caller's scope: a problem
    /// names the units it involves (协办单位), and a reader must see who they
    /// are. Names only; ids that do not exist are left out.
    /// Names of the units `ids` that a caller of `scope` may see named: those
    /// in its scope, those above it (its own region's chain), and those its
    /// records name — a problem's other units (协办单位), a plan's window.
    /// Any other id is left out, as if it did not exist.
    pub async fn unit_names(&self, scope: &Scope, ids: &[i64]) -> Result<Vec<(i64, String)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let a: Vec<Arg> = ids.iter().map(|i| Arg::from(*i)).collect();
        let marks: Vec<String> = (1..=ids.len()).map(|n| format!("${n}")).collect();
        let rows: Vec<(i64, String, String)> = self
            .db
            .fetch_all(
                &format!(
                    "SELECT id, name, path FROM units WHERE id IN ({}) ORDER BY id",
                    marks.join(", ")
                ),
                a,
            )
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for (id, name, path) in rows {
            let above = scope.path.as_deref().is_some_and(|p| p.starts_with(&path));
            if scope.contains(&path) || above || self.named_in_scope(scope, id).await? {
                out.push((id, name));
            }
        }
        Ok(out)
    }

    /// Whether a record in `scope` names unit `id`: a problem's other unit
    /// or a plan's window.
    async fn named_in_scope(&self, scope: &Scope, id: i64) -> Result<bool> {
        let mut a = args![format!("%,{id},%")];
        let cond = scope.condition("unit_path", &mut a);
        let co: Option<i64> = self
            .db
            .scalar(
                &format!(
                    "SELECT id FROM problems WHERE ',' || other_units || ',' LIKE $1 AND {cond} LIMIT 1"
                ),
                a,
            )
            .await?;
        if co.is_some() {
            return Ok(true);
        }
        let mut a = args![id];
        let cond = scope.condition("unit_path", &mut a);
        let window: Option<i64> = self
            .db
            .scalar(
                &format!("SELECT id FROM plans WHERE window_unit_id = $1 AND {cond} LIMIT 1"),
                a,
            )
            .await?;
        Ok(window.is_some())
    }

    pub async fn unit_by_name(&self, name: &str) -> Result<Vec<Unit>> {
        Ok(self
            .db
            .fetch_all(
                "SELECT * FROM units WHERE name = $1 ORDER BY id",
                args![name],
            )
            .await?)
    }

    pub async fn root_units(&self) -> Result<Vec<Unit>> {
        Ok(self
            .db
            .fetch_all(
                "SELECT * FROM units WHERE parent_id IS NULL ORDER BY sort, id",
                vec![],
            )
            .await?)
    }

    pub async fn create_unit(
        &self,
        actor: &Actor,
        scope: &Scope,
        input: &UnitInput,
    ) -> Result<Unit> {
        let mut tx = self.db.begin().await?;
        let (parent_path, depth) = match input.parent_id {
            Some(p) => {
                let parent = self
                    .unit_in_scope_tx(&mut tx, scope, p.0, "parent_id")
                    .await?;
                (parent.path, parent.depth + 1)
            }
            None if scope.path.is_none() => ("/".to_string(), 0),
            None => return Err(StoreError::invalid("parent_id", "请选择上级单位")),
        };
        let cats: Vec<&str> = input.categories.iter().map(|c| c.code()).collect();
        let now = now_ms();
        let unit: Unit = rows::insert_returning(
            &mut tx,
            UnitRow {
                version: rows::Version::FIRST,
                id: None,
                parent_id: input.parent_id.map(|p| p.0),
                // Named once the id is known.
                path: String::new(),
                depth,
                name: input.name.clone(),
                kind: input.kind.code().into(),
                categories: cats.join(","),
                code: input.code.clone(),
                sort: input.sort,
                created_at: now,
                updated_at: now,
                lead_office: input.lead_office.clone(),
            },
        )
        .await
        .map_err(unique_as("name", "同一上级单位下已有同名单位"))?;
        let path = format!("{parent_path}{}/", unit.id);
        let unit: Unit = tx
            .fetch_one(
                "UPDATE units SET path = $1 WHERE id = $2 RETURNING *",
                args![&path, unit.id],
            )
            .await?;
        audit::append(
            &mut tx,
            &self.cipher,
            actor,
            Change {
                action: "create",
                entity: "unit",
                entity_id: Some(unit.id.to_string()),
                before: None,
                after: Some(unit_json(&unit)),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(unit)
    }

    /// Updates a unit at the version read; moving it carries its subtree along.
    pub async fn update_unit(
        &self,
        actor: &Actor,
        scope: &Scope,
        id: i64,
        version: i64,
        input: &UnitInput,
    ) -> Result<Unit> {
        let mut tx = self.db.begin().await?;
        tx.lock_row("units", id).await?;
        let before = match tx
            .fetch_optional::<Unit>("SELECT * FROM units WHERE id = $1", args![id])
            .await?
        {
            Some(u) if scope.contains(&u.path) => u,
            _ => return Err(StoreError::NotFound),
        };
        if before.version != version {
            return Err(StoreError::Stale {
                current: before.version,
            });
        }
        let new_parent = input.parent_id.map(|p| p.0);
        let (path, depth) = if new_parent == before.parent_id {
            (before.path.clone(), before.depth)
        } else {
            let Some(p) = new_parent else {
                return Err(StoreError::invalid("parent_id", "不能把单位改为顶级单位"));
            };
            let parent = self
                .unit_in_scope_tx(&mut tx, scope, p, "parent_id")
                .await?;
            if parent.path.starts_with(&before.path) {
                return Err(StoreError::invalid(
                    "parent_id",
                    "不能把单位移到它自己的下级单位之下",
                ));
            }
            (format!("{}{}/", parent.path, id), parent.depth + 1)
        };
        let cats: Vec<&str> = input.categories.iter().map(|c| c.code()).collect();
        let after: Unit = tx
            .fetch_one(
                "UPDATE units SET parent_id = $1, path = $2, depth = $3, name = $4, kind = $5, categories = $6, code = $7, \
                 sort = $8, version = version + 1, updated_at = $9, lead_office = $11 WHERE id = $10 RETURNING *",
                args![new_parent, &path, depth, &input.name, input.kind.code(), cats.join(","), &input.code, input.sort, now_ms(), id, &input.lead_office],
            )
            .await
            .map_err(unique_as("name", "同一上级单位下已有同名单位"))?;
        if path != before.path {
            let mut a = args![&path, before.path.len() as i64 + 1, depth - before.depth];
            let cond = Scope::subtree(before.path.clone()).condition("path", &mut a);
            tx.execute(
                &format!("UPDATE units SET path = $1 || SUBSTR(path, CAST($2 AS INTEGER)), depth = depth + $3 WHERE id <> {id} AND {cond}"),
                a,
            )
            .await?;
            crate::stats::unit_moved(&mut tx, id, &before.path, &path).await?;
        }
        audit::append(
            &mut tx,
            &self.cipher,
            actor,
            Change {
                action: "update",
                entity: "unit",
                entity_id: Some(id.to_string()),
                before: Some(unit_json(&before)),
                after: Some(unit_json(&after)),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    pub async fn delete_unit(
        &self,
        actor: &Actor,
        scope: &Scope,
        id: i64,
        version: i64,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        tx.lock_row("units", id).await?;
        let before = match tx
            .fetch_optional::<Unit>("SELECT * FROM units WHERE id = $1", args![id])
            .await?
        {
            Some(u) if scope.contains(&u.path) => u,
            _ => return Err(StoreError::NotFound),
        };
        if before.version != version {
            return Err(StoreError::Stale {
                current: before.version,
            });
        }
        tx.execute("DELETE FROM units WHERE id = $1", args![id])
            .await
            .map_err(fk_conflict(
                "该单位还有下级单位、人员、事项或账号，不能删除",
            ))?;
        for t in [
            "stats_flows",
            "stats_closure",
            "finding_days",
            "finding_modes",
        ] {
            tx.execute(&format!("DELETE FROM {t} WHERE unit_id = $1"), args![id])
                .await?;
        }
        audit::append(
            &mut tx,
            &self.cipher,
            actor,
            Change {
                action: "delete",
                entity: "unit",
                entity_id: Some(id.to_string()),
                before: Some(unit_json(&before)),
                after: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn list_units(
        &self,
        scope: &Scope,
        f: &RegistryFilter,
        page: &PageRequest,
    ) -> Result<Page<Unit>> {
        let mut a: Vec<Arg> = vec![page.after.unwrap_or(0).into()];
        let cond = narrow(self, scope, f.unit, "path", &mut a).await?;
        let mut sql = format!("SELECT * FROM units WHERE id > $1 AND {cond}");
        if let Some(p) = f.parent {
            a.push(p.into());
            sql += &format!(" AND parent_id = ${}", a.len());
        }
        if let Some(k) = &f.kind {
            a.push(k.into());
            sql += &format!(" AND kind = ${}", a.len());
        }
        if let Some(q) = f.q.as_deref().filter(|q| !q.is_empty()) {
            a.push(crate::campaign::like_pattern(q).into());
            sql += &format!(" AND name LIKE ${} ESCAPE '\\'", a.len());
        }
        a.push((page.limit + 1).into());
        sql += &format!(" ORDER BY id LIMIT ${}", a.len());
        let rows = self.db.fetch_all(&sql, a).await?;
        Ok(Page::from_rows(rows, page, |u: &Unit| u.id))
    }

    // ---- officials ----

    pub async fn official(&self, scope: &Scope, id: i64) -> Result<Official> {
        let mut a = args![id];
        let cond = scope.condition("u.path", &mut a);
        self.db
            .fetch_optional(
                &format!("SELECT o.* FROM officials o JOIN units u ON u.id = o.unit_id WHERE o.id = $1 AND {cond}"),
                a,
            )
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// Opens an official's sealed phone.
    pub fn official_phone(&self, o: &Official) -> Result<Option<String>> {
        Ok(self.cipher.decrypt_opt(o.phone_enc.as_deref())?)
    }

    pub async fn create_official(
        &self,
        actor: &Actor,
        scope: &Scope,
        input: &OfficialInput,
    ) -> Result<Official> {
        let mut tx = self.db.begin().await?;
        let unit = self
            .unit_in_scope_tx(&mut tx, scope, input.unit_id, "unit_id")
            .await?;
        let phone = self.cipher.encrypt_opt(input.phone.as_deref())?;
        let now = now_ms();
        let o: Official = rows::insert_returning(
            &mut tx,
            OfficialRow {
                version: rows::Version::FIRST,
                id: None,
                unit_id: input.unit_id,
                unit_path: unit.path.clone(),
                name: input.name.clone(),
                title: input.title.clone(),
                rank: input.rank.clone(),
                phone_enc: phone,
                active: input.active,
                created_at: now,
                updated_at: now,
            },
        )
        .await?;
        crate::stats::ranks_changed(
            &mut tx,
            None,
            crate::stats::rank_key(o.active, &unit.path, o.rank.code()),
        )
        .await?;
        audit::append(
            &mut tx,
            &self.cipher,
            actor,
            Change {
                action: "create",
                entity: "official",
                entity_id: Some(o.id.to_string()),
                before: None,
                after: Some(official_json(&o)),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(o)
    }

    /// Updates an official at the version read. `phone: None` keeps the phone.
    pub async fn update_official(
        &self,
        actor: &Actor,
        scope: &Scope,
        id: i64,
        version: i64,
        input: &OfficialInput,
        phone_given: bool,
    ) -> Result<Official> {
        let mut tx = self.db.begin().await?;
        tx.lock_row("officials", id).await?;
        let mut a = args![id];
        let cond = scope.condition("u.path", &mut a);
        let before: Official = tx
            .fetch_optional(&format!("SELECT o.* FROM officials o JOIN units u ON u.id = o.unit_id WHERE o.id = $1 AND {cond}"), a)
            .await?
            .ok_or(StoreError::NotFound)?;
        if before.version != version {
            return Err(StoreError::Stale {
                current: before.version,
            });
        }
        self.unit_in_scope_tx(&mut tx, scope, input.unit_id, "unit_id")
            .await?;
        let phone = if phone_given {
            self.cipher.encrypt_opt(input.phone.as_deref())?
        } else {
            before.phone_enc.clone()
        };
        let after: Official = tx
            .fetch_one(
                "UPDATE officials SET unit_id = $1, unit_path = (SELECT path FROM units WHERE id = $1), name = $2, title = $3, rank = $4, \
                 phone_enc = $5, active = $6, version = version + 1, updated_at = $7 WHERE id = $8 RETURNING *",
                args![input.unit_id, &input.name, &input.title, &input.rank, phone, input.active, now_ms(), id],
            )
            .await?;
        let paths = (
            self.unit_path_tx(&mut tx, before.unit_id).await?,
            self.unit_path_tx(&mut tx, after.unit_id).await?,
        );
        crate::stats::ranks_changed(
            &mut tx,
            crate::stats::rank_key(before.active, &paths.0, before.rank.code()),
            crate::stats::rank_key(after.active, &paths.1, after.rank.code()),
        )
        .await?;
        if after.unit_id != before.unit_id {
            let path = self.unit_path_tx(&mut tx, after.unit_id).await?;
            crate::stats::follow_unit(&mut tx, "stats_officials", id, &path).await?;
        }
        let mut after_json = official_json(&after);
        after_json["phone_changed"] =
            json!(phone_given && self.official_phone(&before)? != input.phone);
        audit::append(
            &mut tx,
            &self.cipher,
            actor,
            Change {
                action: "update",
                entity: "official",
                entity_id: Some(id.to_string()),
                before: Some(official_json(&before)),
                after: Some(after_json),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    pub async fn list_officials(
        &self,
        scope: &Scope,
        f: &RegistryFilter,
        page: &PageRequest,
    ) -> Result<Page<Official>> {
        let mut a: Vec<Arg> = vec![page.after.unwrap_or(0).into()];
        let cond = narrow(self, scope, f.unit, "u.path", &mut a).await?;
        let mut sql = format!(
            "SELECT o.* FROM officials o JOIN units u ON u.id = o.unit_id WHERE o.id > $1 AND {cond}"
        );
        if let Some(k) = &f.kind {
            a.push(k.into());
            sql += &format!(" AND o.rank = ${}", a.len());
        }
        if let Some(q) = f.q.as_deref().filter(|q| !q.is_empty()) {
            a.push(crate::campaign::like_pattern(q).into());
            sql += &format!(
                " AND (o.name LIKE ${0} ESCAPE '\\' OR o.title LIKE ${0} ESCAPE '\\')",
                a.len()
            );
        }
        a.push((page.limit + 1).into());
        sql += &format!(" ORDER BY o.id LIMIT ${}", a.len());
        let rows = self.db.fetch_all(&sql, a).await?;
        Ok(Page::from_rows(rows, page, |o: &Official| o.id))
    }

    // ---- items ----

    pub async fn item(&self, scope: &Scope, id: i64) -> Result<Item> {
        let mut a = args![id];
        let cond = scope.condition("u.path", &mut a);
        self.db
            .fetch_optional(&format!("SELECT i.* FROM items i JOIN units u ON u.id = i.unit_id WHERE i.id = $1 AND {cond}"), a)
            .await?
            .ok_or(StoreError::NotFound)
    }

    async fn check_section(&self, tx: &mut Tx, scope: &Scope, input: &ItemInput) -> Result<()> {
        let unit = self
            .unit_in_scope_tx(tx, scope, input.unit_id, "unit_id")
            .await?;
        if let Some(s) = input.section_id {
            let section = self.unit_in_scope_tx(tx, scope, s, "section_id").await?;
            if !section.path.starts_with(&unit.path) {
                return Err(StoreError::invalid(
                    "section_id",
                    "责任科室须是该单位的下级科室",
                ));
            }
        }
        Ok(())
    }

    pub(crate) async fn insert_figures(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        item_id: i64,
        f: &ProcessFigures,
        source: &str,
        note: Option<&str>,
    ) -> Result<()> {
        let figure = |v: Option<i32>| v.map(i64::from);
        rows::insert(
            tx,
            ItemFiguresRow {
                item_id,
                materials: figure(f.materials),
                time_limit_days: figure(f.time_limit_days),
                steps: figure(f.steps),
                trips: figure(f.trips),
                online: f.online,
                source: source.into(),
                note: note.map(Into::into),
                recorded_by: actor.user_id,
                recorded_at: now_ms(),
            },
        )
        .await?;
        Ok(())
    }

    pub async fn create_item(
        &self,
        actor: &Actor,
        scope: &Scope,
        input: &ItemInput,
    ) -> Result<Item> {
        let mut tx = self.db.begin().await?;
        self.check_section(&mut tx, scope, input).await?;
        let f = &input.figures;
        let now = now_ms();
        let figure = |v: Option<i32>| v.map(i64::from);
        let item: Item = rows::insert_returning(
            &mut tx,
            ItemRow {
                version: rows::Version::FIRST,
                id: None,
                unit_id: input.unit_id,
                section_id: input.section_id,
                name: input.name.clone(),
                item_type: input.item_type.clone(),
                power_category: input.power_category.clone(),
                service_object: input.service_object.clone(),
                handling_mode: input.handling_mode.clone(),
                channel: input.channel.clone(),
                contact: input.contact.clone(),
                note: input.note.clone(),
                materials: figure(f.materials),
                time_limit_days: figure(f.time_limit_days),
                steps: figure(f.steps),
                trips: figure(f.trips),
                online: f.online,
                created_at: now,
                updated_at: now,
            },
        )
        .await
        .map_err(unique_as("name", "本单位已有同名事项"))?;
        if !f.is_empty() {
            self.insert_figures(&mut tx, actor, item.id, f, "登记", None)
                .await?;
        }
        audit::append(
            &mut tx,
            &self.cipher,
            actor,
            Change {
                action: "create",
                entity: "item",
                entity_id: Some(item.id.to_string()),
                before: None,
                after: Some(item_json(&item)?),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(item)
    }

    /// Updates an item at the version read; a change of its figures is kept in their history.
    pub async fn update_item(
        &self,
        actor: &Actor,
        scope: &Scope,
        id: i64,
        version: i64,
        input: &ItemInput,
        source: &str,
    ) -> Result<Item> {
        let mut tx = self.db.begin().await?;
        tx.lock_row("items", id).await?;
        let mut a = args![id];
        let cond = scope.condition("u.path", &mut a);
        let before: Item = tx
            .fetch_optional(&format!("SELECT i.* FROM items i JOIN units u ON u.id = i.unit_id WHERE i.id = $1 AND {cond}"), a)
            .await?
            .ok_or(StoreError::NotFound)?;
        if before.version != version {
            return Err(StoreError::Stale {
                current: before.version,
            });
        }
        self.check_section(&mut tx, scope, input).await?;
        let f = &input.figures;
        let after: Item = tx
            .fetch_one(
                "UPDATE items SET unit_id = $1, section_id = $2, name = $3, item_type = $4, power_category = $5, \
                 service_object = $6, handling_mode = $7, channel = $8, contact = $9, note = $10, materials = $11, \
                 time_limit_days = $12, steps = $13, trips = $14, online = $15, version = version + 1, updated_at = $16 \
                 WHERE id = $17 RETURNING *",
                args![input.unit_id, input.section_id, &input.name, &input.item_type, &input.power_category,
                      &input.service_object, &input.handling_mode, &input.channel, &input.contact, &input.note,
                      f.materials, f.time_limit_days, f.steps, f.trips, f.online, now_ms(), id],
            )
            .await
            .map_err(unique_as("name", "本单位已有同名事项"))?;
        if after.unit_id != before.unit_id {
            let path = self.unit_path_tx(&mut tx, after.unit_id).await?;
            crate::stats::follow_unit(&mut tx, "stats_items", id, &path).await?;
        }
        if after.figures() != before.figures() {
            self.insert_figures(&mut tx, actor, id, f, source, None)
                .await?;
        }
        audit::append(
            &mut tx,
            &self.cipher,
            actor,
            Change {
                action: "update",
                entity: "item",
                entity_id: Some(id.to_string()),
                before: Some(item_json(&before)?),
                after: Some(item_json(&after)?),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    pub async fn list_items(
        &self,
        scope: &Scope,
        f: &RegistryFilter,
        page: &PageRequest,
    ) -> Result<Page<Item>> {
        let mut a: Vec<Arg> = vec![page.after.unwrap_or(0).into()];
        let cond = narrow(self, scope, f.unit, "u.path", &mut a).await?;
        let mut sql = format!(
            "SELECT i.* FROM items i JOIN units u ON u.id = i.unit_id WHERE i.id > $1 AND {cond}"
        );
        if let Some(k) = &f.kind {
            a.push(k.into());
            sql += &format!(" AND i.item_type = ${}", a.len());
        }
        if let Some(q) = f.q.as_deref().filter(|q| !q.is_empty()) {
            a.push(crate::campaign::like_pattern(q).into());
            sql += &format!(" AND i.name LIKE ${} ESCAPE '\\'", a.len());
        }
        a.push((page.limit + 1).into());
        sql += &format!(" ORDER BY i.id LIMIT ${}", a.len());
        let rows = self.db.fetch_all(&sql, a).await?;
        Ok(Page::from_rows(rows, page, |i: &Item| i.id))
    }

    /// The history of an item's process figures, oldest first.
    pub async fn item_figures(&self, scope: &Scope, id: i64) -> Result<Vec<FiguresRecord>> {
        self.item(scope, id).await?;
        Ok(self
            .db
            .fetch_all(
                "SELECT * FROM item_figures WHERE item_id = $1 ORDER BY id",
                args![id],
            )
            .await?)
    }
}

impl Store {
    /// Names of units that share the most characters with `name`, best first:
    /// the candidates offered when a typed name matches no unit.
    /// Names of units in `scope` that share the most characters with
    /// `name` (for "did you mean"): never a unit the caller may not see.
    pub async fn similar_unit_names(
        &self,
        scope: &Scope,
        name: &str,
        limit: usize,
    ) -> Result<Vec<String>> {
        let chars: Vec<char> = name.chars().filter(|c| !c.is_whitespace()).collect();
        if chars.is_empty() {
            return Ok(Vec::new());
        }
        // Candidates contain at least one of the name's characters; score by overlap.
        let mut a = Vec::new();
        let ors: Vec<String> = chars
            .iter()
            .take(8)
            .map(|c| {
                a.push(Arg::from(format!("%{c}%")));
                format!("name LIKE ${}", a.len())
            })
            .collect();
        let within = scope.condition("path", &mut a);
        let rows: Vec<(String,)> = self
            .db
            .fetch_all(
                &format!(
                    "SELECT DISTINCT name FROM units WHERE ({}) AND {within} LIMIT 2000",
                    ors.join(" OR ")
                ),
                a,
            )
            .await?;
        let mut scored: Vec<(usize, String)> = rows
            .into_iter()
            .map(|(n,)| (n.chars().filter(|c| chars.contains(c)).count(), n))
            .collect();
        scored.sort_by(|x, y| {
            y.0.cmp(&x.0)
                .then_with(|| x.1.chars().count().cmp(&y.1.chars().count()))
        });
        Ok(scored.into_iter().take(limit).map(|(_, n)| n).collect())
    }
}
