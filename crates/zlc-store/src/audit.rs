//! 审计日志 the append-only audit trail.
//!
//! Each entry carries a keyed hash (HMAC-SM3 under the audit key, derived
//! from the data key and kept outside the database) of its own content and
//! of the entry before it, and sequence numbers have no gaps; `verify`
//! recomputes the chain, so an edited, inserted or deleted entry (the last
//! one included, through the head row) is detected, and without the key an
//! edited entry's chain cannot be recomputed to match. The database also
//! refuses UPDATE and DELETE on the table by trigger. (Entries written before
//! the chain was keyed, below `audit_head.keyed_from`, keep plain SM3.)
//!
//! Someone who can write the database file could still drop the triggers
//! and cut the last entries, or wipe the log. So the head is anchored
//! outside it: a checkpoint (sequence, head hash, time),
//! sealed with HMAC-SM3 under a key derived from the data key (kept outside
//! the database), is appended to a file beside the data directory and to the
//! log; `verify_checkpoints` then finds a cut, a wipe or a rewrite of any
//! entry a checkpoint has covered.

use crate::crypto::{FieldCipher, sm3_hex};
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

/// The hash of an entry: HMAC-SM3 under the audit key over its fields in a
/// fixed order, as a JSON array (unambiguous, whatever the fields contain);
/// plain SM3 for the entries written before the chain was keyed.
fn entry_hash(e: &AuditEntry, key: Option<&FieldCipher>) -> Result<String> {
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
    ])
    .to_string();
    Ok(match key {
        Some(k) => k.mac_hex(format!("zlc-audit-entry|{canon}").as_bytes())?,
        None => sm3_hex(canon.as_bytes()),
    })
}

/// Appends an entry, chained under the audit key `key`, inside the caller's
/// transaction, so the change and its record commit or roll back together.
/// Taking the head row's lock with the UPDATE serialises concurrent writers
/// on PostgreSQL; SQLite writers are serialised already by `BEGIN IMMEDIATE`.
pub async fn append(
    tx: &mut Tx,
    key: &FieldCipher,
    actor: &Actor,
    change: Change<'_>,
) -> Result<i64> {
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
    e.hash = entry_hash(&e, Some(key))?;
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
    /// The first entry chained under the audit key (those before it were
    /// written before the chain was keyed).
    pub keyed_from: i64,
    pub ok: bool,
    /// Each break found, in Chinese, naming the entry.
    pub problems: Vec<String>,
}

/// Recomputes the whole chain in order, in batches, under the audit key `key`.
pub async fn verify(db: &Db, key: &FieldCipher) -> Result<Verification> {
    #[derive(sqlx::FromRow)]
    struct Head {
        last_seq: i64,
        last_hash: String,
        keyed_from: i64,
    }
    let head: Head = db
        .fetch_one(
            "SELECT last_seq, last_hash, keyed_from FROM audit_head WHERE id = 1",
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
            let key = (e.seq >= head.keyed_from).then_some(key);
            if entry_hash(e, key)? != e.hash {
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
        keyed_from: head.keyed_from,
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
pub async fn checkpoint(db: &Db, cipher: &FieldCipher) -> Result<Checkpoint> {
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
    cipher: &FieldCipher,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Options, Store};

    async fn store(name: &str) -> (Store, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("zlc-audit-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        let key = FieldCipher::generate_key_hex().expect("key");
        let store = Store::open(
            &format!("sqlite:{}", dir.join("t.db").display()),
            FieldCipher::from_hex(&key).expect("cipher"),
            &Options::default(),
        )
        .await
        .expect("open");
        (store, dir)
    }

    async fn write(store: &Store, n: i64) {
        for i in 0..n {
            let mut tx = store.db.begin().await.expect("begin");
            append(
                &mut tx,
                &store.cipher,
                &Actor::system("test"),
                Change {
                    action: "update",
                    entity: "need",
                    entity_id: Some(i.to_string()),
                    before: None,
                    after: Some(serde_json::json!({ "content": format!("需求 {i}") })),
                },
            )
            .await
            .expect("append");
            tx.commit().await.expect("commit");
        }
    }

    async fn entries(store: &Store) -> Vec<AuditEntry> {
        store
            .db
            .fetch_all("SELECT * FROM audit_log ORDER BY seq", vec![])
            .await
            .expect("entries")
    }

    /// Rewrites the stored chain from `from` on with `hash`, as someone who
    /// holds the database file (and the source code) would.
    async fn rewrite(
        store: &Store,
        from: i64,
        edit: impl Fn(&mut AuditEntry),
        hash: impl Fn(&AuditEntry) -> String,
    ) {
        store
            .db
            .execute("DROP TRIGGER IF EXISTS audit_log_no_update", vec![])
            .await
            .expect("drop the guard");
        let mut prev = String::new();
        for mut e in entries(store).await {
            if e.seq >= from {
                if e.seq == from {
                    edit(&mut e);
                }
                e.prev_hash = prev.clone();
                e.hash = hash(&e);
                store
                    .db
                    .execute(
                        "UPDATE audit_log SET after = $1, prev_hash = $2, hash = $3 WHERE seq = $4",
                        args![&e.after, &e.prev_hash, &e.hash, e.seq],
                    )
                    .await
                    .expect("rewrite");
            }
            prev = e.hash;
        }
        store
            .db
            .execute(
                "UPDATE audit_head SET last_hash = $1 WHERE id = 1",
                args![&prev],
            )
            .await
            .expect("head");
    }

    #[tokio::test]
    async fn an_entry_edited_and_its_chain_recomputed_without_the_key_is_found() {
        let (store, dir) = store("keyed").await;
        write(&store, 4).await;
        let clean = verify(&store.db, &store.cipher).await.expect("verify");
        assert!(clean.ok, "{:?}", clean.problems);
        assert_eq!((clean.entries, clean.keyed_from), (4, 1));

        // The chain recomputed with plain SM3, as the code without the key
        // would compute it…
        let forged = |e: &mut AuditEntry| e.after = Some(r#"{"content":"改过"}"#.into());
        rewrite(&store, 2, forged, |e| entry_hash(e, None).expect("sm3")).await;
        let v = verify(&store.db, &store.cipher).await.expect("verify");
        assert!(!v.ok);
        assert!(
            v.problems
                .contains(&"第 2 条记录内容被篡改（哈希不符）".to_string()),
            "{:?}",
            v.problems
        );

        // …or under a key of the attacker's own, is found.
        let other =
            FieldCipher::from_hex(&FieldCipher::generate_key_hex().expect("key")).expect("cipher");
        rewrite(&store, 2, forged, |e| {
            entry_hash(e, Some(&other)).expect("mac")
        })
        .await;
        assert!(!verify(&store.db, &store.cipher).await.expect("verify").ok);

        // The same rewrite under the real key verifies: the key is what
        // stands between the file and a forged trail.
        rewrite(&store, 2, forged, |e| {
            entry_hash(e, Some(&store.cipher)).expect("mac")
        })
        .await;
        assert!(verify(&store.db, &store.cipher).await.expect("verify").ok);
        store.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn a_trail_begun_before_the_chain_was_keyed_verifies_and_goes_on_keyed() {
        let (store, dir) = store("legacy").await;
        write(&store, 2).await;
        // What a database written before migration 0015 holds: plain SM3
        // entries, the head marking where keying begins.
        rewrite(&store, 1, |_| {}, |e| entry_hash(e, None).expect("sm3")).await;
        store
            .db
            .execute("UPDATE audit_head SET keyed_from = 3 WHERE id = 1", vec![])
            .await
            .expect("head");
        write(&store, 2).await;
        let v = verify(&store.db, &store.cipher).await.expect("verify");
        assert!(v.ok, "{:?}", v.problems);
        assert_eq!((v.entries, v.keyed_from), (4, 3));
        let all = entries(&store).await;
        assert_eq!(all[1].hash, entry_hash(&all[1], None).expect("sm3"));
        assert_ne!(all[2].hash, entry_hash(&all[2], None).expect("sm3"));

        // An old entry edited and the plain chain recomputed to the end
        // breaks at the first keyed entry.
        rewrite(
            &store,
            1,
            |e| e.after = Some(r#"{"content":"改过"}"#.into()),
            |e| entry_hash(e, None).expect("sm3"),
        )
        .await;
        let v = verify(&store.db, &store.cipher).await.expect("verify");
        assert!(
            v.problems
                .contains(&"第 3 条记录内容被篡改（哈希不符）".to_string()),
            "{:?}",
            v.problems
        );
        store.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }
}
