//! 审计日志 the append-only audit trail.
//!
//! Each entry carries the SM3 hash of its own content and of the entry before
//! it, and sequence numbers have no gaps; `verify` recomputes the chain, so an
//! edited, inserted or deleted entry (the last one included, through the
//! head row) is detected. The database also refuses UPDATE and DELETE on the
//! table by trigger.
//!
//! Someone who can write the database file could still drop the triggers,
//! cut the last entries or rewrite the chain from an edited entry on. So the
//! head is anchored outside it: a checkpoint (sequence, head hash, time),
//! sealed with HMAC-SM3 under a key derived from the data key (kept outside
//! the database), is appended to a file beside the data directory and to the
//! log; `verify_checkpoints` then finds a cut, a wipe or a rewrite of any
//! entry a checkpoint has covered.

use crate::crypto::sm3_hex;
use crate::{Actor, Db, Page, PageRequest, Result, Tx, args, now_ms};
use serde::{Deserialize, Serialize};

/// One audit entry as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, PartialEq)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor: String,
    pub ip: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// What a write changed, for the audit trail.
pub struct Change<'a> {
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// The hash of an entry: SM3 over its fields in a fixed order, as a JSON array
/// (unambiguous, whatever the fields contain).
fn entry_hash(e: &AuditEntry) -> String {
    let canon = serde_json::json!([
        e.seq,
        e.at,
        e.actor_id,
        e.actor,
        e.ip,
        e.action,
        e.entity,
        e.entity_id,
        e.before,
        e.after,
        e.prev_hash
    ]);
    sm3_hex(canon.to_string().as_bytes())
}

/// Appends an entry inside the caller's transaction, so the change and its
/// record commit or roll back together. Taking the head row's lock with the
/// UPDATE serialises concurrent writers on PostgreSQL; SQLite writers are
/// serialised already by `BEGIN IMMEDIATE`.
pub async fn append(tx: &mut Tx, actor: &Actor, change: Change<'_>) -> Result<i64> {
    #[derive(sqlx::FromRow)]
    struct Head {
        last_seq: i64,
        last_hash: String,
    }
    let head: Head = tx
        .fetch_one(
            "UPDATE audit_head SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq, last_hash",
            vec![],
        )
        .await?;
    let mut e = AuditEntry {
        seq: head.last_seq,
        at: now_ms(),
        actor_id: actor.user_id,
        actor: actor.username.clone(),
        ip: actor.ip.clone(),
        action: change.action.to_string(),
        entity: change.entity.to_string(),
        entity_id: change.entity_id,
        before: change.before.map(|v| v.to_string()),
        after: change.after.map(|v| v.to_string()),
        prev_hash: head.last_hash,
        hash: String::new(),
    };
    e.hash = entry_hash(&e);
    tx.execute(
        "INSERT INTO audit_log (seq, at, actor_id, actor, ip, action, entity, entity_id, before, after, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        args![
            e.seq, e.at, e.actor_id, &e.actor, &e.ip, &e.action, &e.entity, &e.entity_id,
            &e.before, &e.after, &e.prev_hash, &e.hash
        ],
    )
    .await?;
    tx.execute(
        "UPDATE audit_head SET last_hash = $1 WHERE id = 1",
        args![&e.hash],
    )
    .await?;
    Ok(e.seq)
}

/// Filters of the audit log list.
#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub entity: Option<String>,
    pub actor: Option<String>,
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
}

/// Newest first.
pub async fn list(db: &Db, f: &AuditFilter, page: &PageRequest) -> Result<Page<AuditEntry>> {
    let mut args = Vec::new();
    let mut sql = String::from("SELECT * FROM audit_log WHERE 1=1");
    if let Some(after) = page.after {
        args.push(after.into());
        sql += &format!(" AND seq < ${}", args.len());
    }
    if let Some(e) = &f.entity {
        args.push(e.into());
        sql += &format!(" AND entity = ${}", args.len());
    }
    if let Some(a) = &f.actor {
        args.push(a.into());
        sql += &format!(" AND actor = ${}", args.len());
    }
    if let Some(t) = f.from_ms {
        args.push(t.into());
        sql += &format!(" AND at >= ${}", args.len());
    }
    if let Some(t) = f.to_ms {
        args.push(t.into());
        sql += &format!(" AND at < ${}", args.len());
    }
    args.push((page.limit + 1).into());
    sql += &format!(" ORDER BY seq DESC LIMIT ${}", args.len());
    let rows: Vec<AuditEntry> = db.fetch_all(&sql, args).await?;
    Ok(Page::from_rows(rows, page, |e| e.seq))
}

/// The outcome of a verification.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Verification {
    pub entries: i64,
    pub ok: bool,
    /// Each break found, in Chinese, naming the entry.
    pub problems: Vec<String>,
}

/// Recomputes the whole chain in order, in batches.
pub async fn verify(db: &Db) -> Result<Verification> {
    #[derive(sqlx::FromRow)]
    struct Head {
        last_seq: i64,
        last_hash: String,
    }
    let head: Head = db
        .fetch_one(
            "SELECT last_seq, last_hash FROM audit_head WHERE id = 1",
            vec![],
        )
        .await?;
    let mut problems = Vec::new();
    let mut expected_seq = 1i64;
    let mut prev_hash = String::new();
    let mut count = 0i64;
    loop {
        let batch: Vec<AuditEntry> = db
            .fetch_all(
                "SELECT * FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT 5000",
                args![expected_seq],
            )
            .await?;
        if batch.is_empty() {
            break;
        }
        for e in &batch {
            count += 1;
            if e.seq != expected_seq {
                problems.push(format!(
                    "第 {} 至 {} 条记录缺失（已被删除）",
                    expected_seq,
                    e.seq - 1
                ));
            }
            if e.prev_hash != prev_hash {
                problems.push(format!("第 {} 条记录与前一条的链接不符", e.seq));
            }
            if entry_hash(e) != e.hash {
                problems.push(format!("第 {} 条记录内容被篡改（哈希不符）", e.seq));
            }
            prev_hash = e.hash.clone();
            expected_seq = e.seq + 1;
        }
    }
    if expected_seq - 1 != head.last_seq {
        problems.push(format!(
            "日志末尾记录缺失：应有 {} 条，实有至第 {} 条",
            head.last_seq,
            expected_seq - 1
        ));
    } else if prev_hash != head.last_hash {
        problems.push("日志末尾记录与链头不符".into());
    }
    Ok(Verification {
        entries: count,
        ok: problems.is_empty(),
        problems,
    })
}

/// The trail of one record (`entity`, `id`), oldest first: its history.
pub async fn record_history(db: &Db, entity: &str, id: i64) -> Result<Vec<AuditEntry>> {
    Ok(db
        .fetch_all(
            "SELECT * FROM audit_log WHERE entity = $1 AND entity_id = $2 ORDER BY seq",
            crate::args![entity, id.to_string()],
        )
        .await?)
}

/// 审计检查点 the chain's head at a moment, sealed with a key kept outside
/// the database, and kept outside it (one JSON line each).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
    pub at: i64,
    /// HMAC-SM3 of the three fields above.
    pub mac: String,
}

fn checkpoint_text(seq: i64, hash: &str, at: i64) -> String {
    format!("zlc-audit-checkpoint|{seq}|{hash}|{at}")
}

/// A checkpoint of the chain's head now.
pub async fn checkpoint(db: &Db, cipher: &crate::crypto::FieldCipher) -> Result<Checkpoint> {
    let (seq, hash): (i64, String) = db
        .fetch_one(
            "SELECT last_seq, last_hash FROM audit_head WHERE id = 1",
            vec![],
        )
        .await?;
    let at = now_ms();
    let mac = cipher.mac_hex(checkpoint_text(seq, &hash, at).as_bytes())?;
    Ok(Checkpoint { seq, hash, at, mac })
}

/// Checks the trail against checkpoints written earlier: each must bear
/// the key's seal (else the file was forged), and the entry it names must
/// still be there with the hash it had (else the trail was cut, wiped or
/// rewritten from an earlier entry on). Each problem in Chinese.
pub async fn verify_checkpoints(
    db: &Db,
    cipher: &crate::crypto::FieldCipher,
    checkpoints: &[Checkpoint],
) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    for (i, c) in checkpoints.iter().enumerate() {
        let sealed = cipher.mac_hex(checkpoint_text(c.seq, &c.hash, c.at).as_bytes())?;
        if sealed != c.mac {
            problems.push(format!(
                "第 {} 个检查点的签名不符：检查点文件被改动，或不是这套数据的",
                i + 1
            ));
            continue;
        }
        if c.seq == 0 {
            continue;
        }
        let found: Option<String> = db
            .scalar("SELECT hash FROM audit_log WHERE seq = $1", args![c.seq])
            .await?;
        match found {
            None => problems.push(format!(
                "检查点记载的第 {} 条记录已不存在：日志被截断或清空",
                c.seq
            )),
            Some(h) if h != c.hash => problems.push(format!(
                "第 {} 条记录与检查点不符：它或它之前的记录被改写",
                c.seq
            )),
            Some(_) => {}
        }
    }
    Ok(problems)
}

/// Reads checkpoints written one JSON line each; a line that is not one is
/// a problem of its own (line number in Chinese).
pub fn parse_checkpoints(text: &str) -> (Vec<Checkpoint>, Vec<String>) {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Checkpoint>(line) {
            Ok(c) => out.push(c),
            Err(_) => problems.push(format!("检查点文件第 {} 行无法识别", n + 1)),
        }
    }
    (out, problems)
}
