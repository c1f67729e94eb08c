//! 附件 attachments: metadata here, bytes in the [`ObjectStore`]. The bytes
//! are stored first and the row second, so a row never points at nothing; if
//! the row cannot be written the bytes are removed again.

use crate::audit::{self, Change};
use crate::crypto::{random_token, sm3_hex};
use crate::objects::ObjectStore;
use crate::{Actor, Result, Scope, Store, StoreError, args, now_ms};
use serde::Serialize;
use serde_json::json;
use zlc_domain::files::AttachmentOwner;

/// The table of an attachment's owner.
fn table(owner: AttachmentOwner) -> &'static str {
    match owner {
        AttachmentOwner::Activity => "activities",
        AttachmentOwner::Problem => "problems",
        AttachmentOwner::Measure => "measures",
    }
}

/// 附件 as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Attachment {
    pub id: i64,
    pub owner_kind: AttachmentOwner,
    pub owner_id: i64,
    #[serde(skip)]
    pub unit_path: String,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub digest: String,
    #[serde(skip)]
    pub object_key: String,
    pub created_by: Option<i64>,
    pub created_at: i64,
}

impl Store {
    /// The owner's unit path, if the owner exists inside the scope.
    async fn owner_path(&self, scope: &Scope, owner: AttachmentOwner, id: i64) -> Result<String> {
        let mut a = args![id];
        let cond = scope.condition("unit_path", &mut a);
        self.db
            .scalar::<String>(
                &format!(
                    "SELECT unit_path FROM {} WHERE id = $1 AND {cond}",
                    table(owner)
                ),
                a,
            )
            .await?
            .ok_or(StoreError::NotFound)
    }

    pub async fn add_attachment(
        &self,
        objects: &ObjectStore,
        actor: &Actor,
        scope: &Scope,
        owner: AttachmentOwner,
        owner_id: i64,
        name: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Result<Attachment> {
        let path = self.owner_path(scope, owner, owner_id).await?;
        let today = chrono::Utc::now().format("%Y/%m").to_string();
        let key = format!("{today}/{}", random_token()?);
        objects.put(&key, bytes).await?;
        let saved = async {
            let mut tx = self.db.begin().await?;
            let a: Attachment = tx
                .fetch_one(
                    "INSERT INTO attachments (owner_kind, owner_id, unit_path, name, content_type, size, digest, object_key, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *",
                    args![owner, owner_id, &path, name, content_type, bytes.len() as i64, sm3_hex(bytes), &key, actor.user_id, now_ms()],
                )
                .await?;
            // A problem's 佐证材料 counts every piece of evidence: each file
            // as it is attached, and the lines described when submitted.
            if owner == AttachmentOwner::Problem {
                tx.execute(
                    "UPDATE problems SET evidence_count = evidence_count + 1 WHERE id = $1",
                    args![owner_id],
                )
                .await?;
            }
            audit::append(&mut tx, &self.cipher, actor, Change {
                action: "attach", entity: owner.code(), entity_id: Some(owner_id.to_string()), before: None,
                after: Some(json!({"attachment": a.id, "name": a.name, "type": a.content_type, "size": a.size, "sm3": a.digest})),
            })
            .await?;
            tx.commit().await?;
            Ok::<_, StoreError>(a)
        }
        .await;
        if saved.is_err() {
            let _ = objects.delete(&key).await;
        }
        saved
    }

    pub async fn attachment(&self, scope: &Scope, id: i64) -> Result<Attachment> {
        let mut a = args![id];
        let cond = scope.condition("unit_path", &mut a);
        self.db
            .fetch_optional(
                &format!("SELECT * FROM attachments WHERE id = $1 AND {cond}"),
                a,
            )
            .await?
            .ok_or(StoreError::NotFound)
    }

    pub async fn attachments(
        &self,
        scope: &Scope,
        owner: AttachmentOwner,
        owner_id: i64,
    ) -> Result<Vec<Attachment>> {
        self.owner_path(scope, owner, owner_id).await?;
        Ok(self
            .db
            .fetch_all(
                "SELECT * FROM attachments WHERE owner_kind = $1 AND owner_id = $2 ORDER BY id",
                args![owner, owner_id],
            )
            .await?)
    }

    pub async fn attachment_count(&self, owner: AttachmentOwner, owner_id: i64) -> Result<i64> {
        Ok(self
            .db
            .scalar::<i64>(
                "SELECT COUNT(*) FROM attachments WHERE owner_kind = $1 AND owner_id = $2",
                args![owner, owner_id],
            )
            .await?
            .unwrap_or(0))
    }
}
