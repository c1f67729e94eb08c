//! 活动规则 the active policy and its versions: every policy ever activated is
//! kept, the newest active one rules.

use crate::audit::{self, Change};
use crate::{Actor, Result, Store, args, now_ms};
use serde::Serialize;
use serde_json::json;

/// One stored policy version.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PolicyVersion {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub source: String,
    pub active: bool,
    pub created_by: Option<i64>,
    pub created_at: i64,
}

impl Store {
    pub async fn active_policy(&self) -> Result<Option<PolicyVersion>> {
        Ok(self
            .db
            .fetch_optional(
                "SELECT * FROM policies WHERE active = $1 ORDER BY id DESC LIMIT 1",
                args![true],
            )
            .await?)
    }

    pub async fn policy_versions(&self) -> Result<Vec<PolicyVersion>> {
        Ok(self
            .db
            .fetch_all("SELECT * FROM policies ORDER BY id DESC", vec![])
            .await?)
    }

    /// Stores an already validated policy text and makes it the active one.
    pub async fn activate_policy(
        &self,
        actor: &Actor,
        code: &str,
        name: &str,
        source: &str,
    ) -> Result<PolicyVersion> {
        let mut tx = self.db.begin().await?;
        let before: Option<PolicyVersion> = tx
            .fetch_optional(
                "SELECT * FROM policies WHERE active = $1 ORDER BY id DESC LIMIT 1",
                args![true],
            )
            .await?;
        tx.execute(
            "UPDATE policies SET active = $1 WHERE active = $2",
            args![false, true],
        )
        .await?;
        let p: PolicyVersion = tx
            .fetch_one(
                "INSERT INTO policies (code, name, source, active, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *",
                args![code, name, source, true, actor.user_id, now_ms()],
            )
            .await?;
        audit::append(
            &mut tx,
            &self.cipher,
            actor,
            Change {
                action: "activate",
                entity: "policy",
                entity_id: Some(p.id.to_string()),
                before: before.map(|b| json!({"id": b.id, "code": b.code})),
                after: Some(json!({"id": p.id, "code": p.code, "name": p.name})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(p)
    }
}
