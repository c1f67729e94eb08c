//! The `zlc` binary as an operator runs it: each test starts the real program
//! on its own fresh data directory and checks what a person at the terminal
//! sees: the exit code, the Chinese messages and the files.
//!
//! The database is the embedded SQLite in the data directory, or, when
//! `ZLC_TEST_DB=postgres`, a fresh PostgreSQL database per sandbox, created on
//! the server named by `ZLC_TEST_PG_URL` (`scripts/pg-up.sh` prints it) with
//! the `psql` client and handed to every `zlc` run as `ZLC_DATABASE_URL`; the
//! data directory then still holds the data key. Backup and restore copy the
//! SQLite file, so their tests are SQLite-only: see `sqlite_only`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The administrators' password, so first start prints no one-time passwords.
const ADMIN_PASSWORD: &str = "Admin-Pass-2024!x";

/// Variables a developer's shell may carry that would point `zlc` elsewhere.
const SCRUBBED_ENV: &[&str] = &[
    "ZLC_DATABASE_URL",
    "ZLC_DATA_DIR",
    "ZLC_DATA_KEY",
    "ZLC_LISTEN",
    "ZLC_DEMO_PASSWORD",
    "ZLC_CLOCK",
];

const PRESETS: [&str; 5] = [
    "000-bayingolin",
    "001-zaozhuang-gaoxin",
    "002-juzhang",
    "003-beilin",
    "004-notice-city",
];

const ADMINS: [&str; 3] = ["sysadmin", "secadmin", "auditadmin"];

const DEMO_ACCOUNTS: [&str; 5] = [
    "demo-supervisor",
    "demo-liaison",
    "demo-liaison2",
    "demo-official",
    "demo-handler",
];

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// Whether this run uses PostgreSQL (`ZLC_TEST_DB=postgres`), as the API suite.
fn postgres() -> bool {
    std::env::var("ZLC_TEST_DB").is_ok_and(|v| v == "postgres")
}

/// A fresh PostgreSQL database of one sandbox.
struct PgDatabase {
    /// The administrative URL it was created through (`ZLC_TEST_PG_URL`).
    admin: String,
    name: String,
    /// What `zlc` gets as `ZLC_DATABASE_URL`.
    url: String,
}

/// Runs one SQL statement with `psql` against `url`; stdout on success.
fn psql(url: &str, sql: &str) -> Result<String, String> {
    let out = Command::new("psql")
        .arg(url)
        .args(["-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-c", sql])
        .output()
        .map_err(|e| format!("cannot start psql: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

impl PgDatabase {
    fn create(n: usize) -> PgDatabase {
        let admin = std::env::var("ZLC_TEST_PG_URL").expect(
            "ZLC_TEST_PG_URL must be set for ZLC_TEST_DB=postgres (scripts/pg-up.sh prints it)",
        );
        let millis = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or_default();
        let name = format!("zlc_test_cli_{}_{n}_{millis}", std::process::id());
        if let Err(e) = psql(&admin, &format!("CREATE DATABASE \"{name}\"")) {
            panic!("create the test database {name}: {e}");
        }
        let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
        let url = format!("{base}/{name}");
        PgDatabase { admin, name, url }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        // Best effort: scripts/test.sh also drops leftovers before each run.
        // FORCE ends the connections left open; it fails, for a role without
        // pg_signal_backend, while an autovacuum worker is in the database,
        // which a plain DROP stops by itself.
        let drop = format!("DROP DATABASE IF EXISTS \"{}\"", self.name);
        let mut result = psql(&self.admin, &format!("{drop} WITH (FORCE)"));
        for _ in 0..3 {
            if result.is_ok() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(200));
            result = psql(&self.admin, &drop);
        }
        if let Err(e) = result {
            eprintln!("could not drop the test database {}: {e}", self.name);
        }
    }
}

/// A fresh directory for one test, under the system temp directory, removed
/// when the test ends (also when it fails); under PostgreSQL also a fresh
/// database, dropped then too.
struct Sandbox {
    root: PathBuf,
    pg: Option<PgDatabase>,
}

impl Sandbox {
    fn new() -> Sandbox {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let root = std::env::temp_dir().join(format!("zlc-cli-test-{}-{n}", std::process::id()));
        // A directory left by an earlier run whose process id was the same.
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).expect("create the test directory");
        let pg = postgres().then(|| PgDatabase::create(n));
        Sandbox { root, pg }
    }

    /// Whether `zlc` has created its tables: the SQLite file exists, or the
    /// PostgreSQL database (which the sandbox creates empty) has tables.
    fn database_initialised(&self) -> bool {
        match &self.pg {
            None => self.database().exists(),
            Some(pg) => {
                let count = psql(
                    &pg.url,
                    "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
                )
                .unwrap_or_else(|e| panic!("count the tables of {}: {e}", pg.name));
                count.trim().parse::<u64>().expect("a table count") > 0
            }
        }
    }

    /// The `--data-dir` that `zlc(…)` passes.
    fn data(&self) -> PathBuf {
        self.root.join("data")
    }

    /// The embedded database inside `data()`.
    fn database(&self) -> PathBuf {
        self.data().join("zlc.db")
    }

    /// A path inside the sandbox, outside the data directory.
    fn file(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }

    /// Writes a file inside the sandbox and returns its path.
    fn write(&self, name: &str, content: &str) -> PathBuf {
        let path = self.file(name);
        std::fs::write(&path, content).expect("write a test file");
        path
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// `zlc` with no arguments yet: run in the sandbox, with the administrators'
/// password set and the variables that choose a database removed, except
/// `ZLC_DATABASE_URL` naming the sandbox's own PostgreSQL database.
fn command(sb: &Sandbox) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_zlc"));
    cmd.current_dir(&sb.root)
        .env("ZLC_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("RUST_LOG", "warn");
    for var in SCRUBBED_ENV {
        cmd.env_remove(var);
    }
    if let Some(pg) = &sb.pg {
        cmd.env("ZLC_DATABASE_URL", &pg.url);
    }
    cmd
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("start the zlc binary")
}

/// Runs `zlc --data-dir SANDBOX/data ARGS…`.
fn zlc(sb: &Sandbox, args: &[&str]) -> Output {
    run(command(sb).arg("--data-dir").arg(sb.data()).args(args))
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Everything the user saw, for messages that may go to either stream.
fn shown(out: &Output) -> String {
    format!("{}{}", stdout(out), stderr(out))
}

#[track_caller]
fn assert_success(out: &Output) {
    assert!(
        out.status.success(),
        "zlc failed ({}):\n--- stdout\n{}\n--- stderr\n{}",
        out.status,
        stdout(out),
        stderr(out)
    );
}

#[track_caller]
fn assert_exit(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "unexpected exit:\n--- stdout\n{}\n--- stderr\n{}",
        stdout(out),
        stderr(out)
    );
}

/// The preset codes that `policy list` marks with `*` as active.
fn active_presets(list: &str) -> Vec<String> {
    list.lines()
        .filter_map(|l| l.trim_start().strip_prefix('*'))
        .filter_map(|rest| rest.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

/// The usernames in `user list` (second column).
fn usernames(list: &str) -> Vec<String> {
    list.lines()
        .filter_map(|l| l.split_whitespace().nth(1))
        .map(str::to_string)
        .collect()
}

/// The text after `marker` up to the next `（` or end of line.
fn value_after(text: &str, marker: &str) -> Option<String> {
    let start = text.find(marker)? + marker.len();
    let rest = &text[start..];
    let end = rest.find(['（', '\n']).unwrap_or(rest.len());
    Some(rest[..end].trim().to_string())
}

/// `N` in `audit verify`'s "共 N 条".
fn audit_entries(verify: &str) -> u64 {
    let n = value_after(verify, "共 ").expect("audit verify names the entry count");
    n.split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no entry count in: {verify}"))
}

/// A preset policy file of the repository.
fn policy_file(code: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../policies")
        .join(format!("{code}.toml"))
}

/// Fills the sandbox with the small demo data set.
fn with_demo(sb: &Sandbox) {
    assert_success(&zlc(sb, &["demo", "--scale", "small", "--seed", "7"]));
}

/// Backup and restore copy the embedded SQLite file (`VACUUM INTO`), and some
/// tests edit that file's bytes: those tests are SQLite-only by nature. Under
/// PostgreSQL this checks instead that `zlc` refuses them, pointing the
/// operator to pg_dump / pg_restore, and returns true: the test then ends.
#[must_use]
fn sqlite_only(sb: &Sandbox) -> bool {
    if sb.pg.is_none() {
        return false;
    }
    eprintln!("SQLite-only test: under PostgreSQL it checks that backup and restore are refused");
    let backup = sb.file("pg-backup.db");
    let out = zlc(sb, &["backup", "-o", backup.to_str().expect("utf-8 path")]);
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains("PostgreSQL 请使用 pg_dump 备份"),
        "{}",
        stderr(&out)
    );
    assert!(!backup.exists(), "no backup file under PostgreSQL");
    let file = sb.write("pg-restore.db", "");
    let out = zlc(sb, &["restore", file.to_str().expect("utf-8 path")]);
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains("PostgreSQL 请使用 pg_restore 恢复"),
        "{}",
        stderr(&out)
    );
    true
}

/// Replaces every occurrence of `from` by `to` (same length) in a file, as
/// someone editing the database file by hand would.
fn tamper(path: &Path, from: &str, to: &str) -> usize {
    assert_eq!(
        from.len(),
        to.len(),
        "a same-length edit keeps the file readable"
    );
    let mut bytes = std::fs::read(path).expect("read the file to tamper with");
    let (from, to) = (from.as_bytes(), to.as_bytes());
    let mut count = 0;
    let mut i = 0;
    while i + from.len() <= bytes.len() {
        if &bytes[i..i + from.len()] == from {
            bytes[i..i + from.len()].copy_from_slice(to);
            count += 1;
            i += from.len();
        } else {
            i += 1;
        }
    }
    std::fs::write(path, bytes).expect("write the tampered file");
    count
}

// ---------------------------------------------------------------------------
// First start
// ---------------------------------------------------------------------------

#[test]
fn first_start_creates_the_three_administrators() {
    let sb = Sandbox::new();

    let out = zlc(&sb, &["user", "list"]);

    assert_success(&out);
    let text = stdout(&out);
    assert!(text.contains("已创建三员管理账号"), "{text}");
    assert!(
        !text.contains("初始口令："),
        "no one-time password when set: {text}"
    );
    let listed = usernames(&text);
    for admin in ADMINS {
        assert!(listed.iter().any(|u| u == admin), "{admin} missing: {text}");
    }
    if sb.pg.is_none() {
        assert!(sb.database().is_file());
    }
    assert!(sb.database_initialised());
}

#[test]
fn first_start_without_admin_password_prints_three_one_time_passwords_once() {
    let sb = Sandbox::new();

    let first = run(command(&sb)
        .env_remove("ZLC_ADMIN_PASSWORD")
        .arg("--data-dir")
        .arg(sb.data())
        .args(["user", "list"]));
    let second = run(command(&sb)
        .env_remove("ZLC_ADMIN_PASSWORD")
        .arg("--data-dir")
        .arg(sb.data())
        .args(["user", "list"]));

    assert_success(&first);
    assert_success(&second);
    assert_eq!(
        stdout(&first).matches("初始口令：").count(),
        3,
        "{}",
        stdout(&first)
    );
    assert!(!stdout(&second).contains("初始口令"), "{}", stdout(&second));
}

#[test]
fn weak_admin_password_is_refused_with_the_reason() {
    let sb = Sandbox::new();

    let out = run(command(&sb)
        .env("ZLC_ADMIN_PASSWORD", "short")
        .arg("--data-dir")
        .arg(sb.data())
        .args(["user", "list"]));

    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains("ZLC_ADMIN_PASSWORD 不符合口令要求"),
        "{}",
        stderr(&out)
    );
}

// ---------------------------------------------------------------------------
// Policy
// ---------------------------------------------------------------------------

#[test]
fn policy_list_on_a_fresh_database_shows_the_five_presets_and_the_default() {
    let sb = Sandbox::new();

    let out = zlc(&sb, &["policy", "list"]);

    assert_success(&out);
    let text = stdout(&out);
    for code in PRESETS {
        assert!(text.contains(code), "{code} missing: {text}");
    }
    assert!(active_presets(&text).is_empty(), "{text}");
    assert!(
        text.contains("当前生效：无（首次启动时将启用 003-beilin）"),
        "{text}"
    );
}

#[test]
fn policy_list_marks_the_default_preset_active_after_first_start() {
    let sb = Sandbox::new();
    assert_success(&zlc(&sb, &["user", "list"]));

    let out = zlc(&sb, &["policy", "list"]);

    assert_success(&out);
    assert_eq!(active_presets(&stdout(&out)), ["003-beilin"]);
}

#[test]
fn policy_use_makes_the_preset_active_and_show_prints_it() {
    let sb = Sandbox::new();

    let used = zlc(&sb, &["policy", "use", "001"]);
    let list = zlc(&sb, &["policy", "list"]);
    let show = zlc(&sb, &["policy", "show"]);

    assert_success(&used);
    assert!(stdout(&used).contains("已启用活动规则：001-zaozhuang-gaoxin"));
    assert_success(&list);
    assert_eq!(active_presets(&stdout(&list)), ["001-zaozhuang-gaoxin"]);
    assert!(stdout(&list).contains("当前生效：001-zaozhuang-gaoxin"));
    assert_success(&show);
    let toml = stdout(&show);
    assert!(toml.contains(r#"code = "001-zaozhuang-gaoxin""#), "{toml}");
    let file = std::fs::read_to_string(policy_file("001-zaozhuang-gaoxin")).expect("preset");
    assert_eq!(toml, file);
}

#[test]
fn policy_show_with_a_preset_prints_that_preset() {
    let sb = Sandbox::new();

    let out = zlc(&sb, &["policy", "show", "004"]);

    assert_success(&out);
    assert!(stdout(&out).contains(r#"code = "004-notice-city""#));
}

#[test]
fn policy_use_of_an_unknown_preset_fails_listing_the_choices() {
    let sb = Sandbox::new();

    let out = zlc(&sb, &["policy", "use", "999"]);

    assert_exit(&out, 1);
    let err = stderr(&out);
    assert!(err.contains("没有预置方案「999」"), "{err}");
    for code in PRESETS {
        assert!(err.contains(code), "{code} missing: {err}");
    }
}

#[test]
fn policy_use_of_a_broken_file_changes_nothing() {
    let sb = Sandbox::new();
    assert_success(&zlc(&sb, &["policy", "use", "002"]));
    let broken = sb.write("broken.toml", "[meta]\ncode = \"x\"\n");
    let broken = broken.to_str().expect("utf-8 path");

    let out = zlc(&sb, &["policy", "use", "--file", broken]);

    assert_exit(&out, 1);
    let list = zlc(&sb, &["policy", "list"]);
    assert_eq!(active_presets(&stdout(&list)), ["002-juzhang"]);
}

#[test]
fn policy_check_accepts_an_untouched_preset_file() {
    let sb = Sandbox::new();
    let copy = sb.file("003-beilin.toml");
    std::fs::copy(policy_file("003-beilin"), &copy).expect("copy the preset");

    let out = zlc(
        &sb,
        &["policy", "check", copy.to_str().expect("utf-8 path")],
    );

    assert_success(&out);
    assert!(stdout(&out).contains("规则文件有效"), "{}", stdout(&out));
}

#[test]
fn policy_check_names_the_line_and_key_of_a_misspelled_key() {
    let sb = Sandbox::new();
    let source = std::fs::read_to_string(policy_file("003-beilin")).expect("preset");
    let line = source
        .lines()
        .position(|l| l.starts_with("issuer = "))
        .expect("003 has [meta] issuer")
        + 1;
    let path = sb.write("typo.toml", &source.replacen("issuer = ", "isuer = ", 1));

    let out = zlc(
        &sb,
        &["policy", "check", path.to_str().expect("utf-8 path")],
    );

    assert_exit(&out, 1);
    let text = shown(&out);
    assert!(text.contains(&format!("第 {line} 行")), "{text}");
    assert!(text.contains("isuer"), "{text}");
}

// ---------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------

#[test]
fn unsupported_database_scheme_is_refused_by_name() {
    let sb = Sandbox::new();

    let out = zlc(&sb, &["--database-url", "mysql://x@y/z", "policy", "list"]);

    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains("不支持的数据库地址协议「mysql」"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn config_file_with_an_unknown_key_is_refused_naming_it() {
    let sb = Sandbox::new();
    let config = sb.write("zlc.toml", "[security]\nmax_failed_login = 3\n");

    let out = run(command(&sb)
        .arg("--data-dir")
        .arg(sb.data())
        .arg("--config")
        .arg(&config)
        .args(["policy", "list"]));

    assert_exit(&out, 1);
    let err = stderr(&out);
    assert!(err.contains("max_failed_login"), "{err}");
    assert!(
        !sb.data().exists(),
        "nothing is created on a bad configuration"
    );
}

#[test]
fn config_file_error_names_the_line_of_the_bad_key() {
    let sb = Sandbox::new();
    let config = sb.write("zlc.toml", "[security]\nmax_failed_login = 3\n");

    let out = run(command(&sb)
        .arg("--config")
        .arg(&config)
        .args(["policy", "list"]));

    assert_exit(&out, 1);
    assert!(stderr(&out).contains("第 2 行"), "{}", stderr(&out));
}

#[test]
fn config_file_with_an_out_of_range_value_is_refused_naming_the_key() {
    let sb = Sandbox::new();
    let config = sb.write("zlc.toml", "[security]\nmax_failed_logins = 0\n");

    let out = run(command(&sb)
        .arg("--data-dir")
        .arg(sb.data())
        .arg("--config")
        .arg(&config)
        .args(["policy", "list"]));

    assert_exit(&out, 1);
    let err = stderr(&out);
    assert!(err.contains("security.max_failed_logins"), "{err}");
    assert!(
        !sb.data().exists(),
        "nothing is created on a bad configuration"
    );
}

#[test]
fn config_file_data_dir_is_used_when_no_flag_or_variable_names_one() {
    let sb = Sandbox::new();
    let from_config = sb.file("from-config");
    let config = sb.write(
        "zlc.toml",
        &format!(
            "data_dir = \"{}\"\n\n[security]\nmax_failed_logins = 3\n\n[database]\nsqlite_synchronous = \"NORMAL\"\n",
            from_config.display()
        ),
    );

    let out = run(command(&sb)
        .arg("--config")
        .arg(&config)
        .args(["user", "list"]));

    assert_success(&out);
    if postgres() {
        // The database is elsewhere; the data directory holds the data key.
        assert!(from_config.join("zlc.key").is_file());
    } else {
        assert!(from_config.join("zlc.db").is_file());
    }
}

#[test]
fn data_dir_precedence_is_flag_then_environment_then_config_file() {
    let sb = Sandbox::new();
    let (flag, env, file) = (sb.file("flag"), sb.file("env"), sb.file("file"));
    let config = sb.write("zlc.toml", &format!("data_dir = \"{}\"\n", file.display()));

    let env_over_file = run(command(&sb)
        .env("ZLC_DATA_DIR", &env)
        .arg("--config")
        .arg(&config)
        .args(["policy", "list"]));
    let flag_over_env = run(command(&sb)
        .env("ZLC_DATA_DIR", &env)
        .arg("--config")
        .arg(&config)
        .arg("--data-dir")
        .arg(&flag)
        .args(["user", "list"]));

    assert_success(&env_over_file);
    assert_success(&flag_over_env);
    // Under PostgreSQL the data directory holds only the data key.
    let made = if postgres() { "zlc.key" } else { "zlc.db" };
    assert!(env.join(made).is_file());
    assert!(flag.join(made).is_file());
    assert!(!file.exists(), "the config file's data_dir was overridden");
}

#[cfg(unix)]
#[test]
fn data_key_is_created_readable_by_the_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let sb = Sandbox::new();

    assert_success(&zlc(&sb, &["user", "list"]));

    let key = sb.data().join("zlc.key");
    let mode = std::fs::metadata(&key)
        .expect("zlc.key exists")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let hex = std::fs::read_to_string(&key).expect("read the key");
    assert_eq!(hex.trim().len(), 32);
    assert!(hex.trim().chars().all(|c| c.is_ascii_hexdigit()));
}

// ---------------------------------------------------------------------------
// Demo data
// ---------------------------------------------------------------------------

#[test]
fn demo_creates_the_demo_accounts_beside_the_administrators() {
    let sb = Sandbox::new();

    let demo = zlc(&sb, &["demo", "--scale", "small", "--seed", "7"]);
    let list = zlc(&sb, &["user", "list"]);

    assert_success(&demo);
    assert!(stdout(&demo).contains("5 个演示账号"), "{}", stdout(&demo));
    assert_success(&list);
    let listed = usernames(&stdout(&list));
    for name in ADMINS.iter().chain(DEMO_ACCOUNTS.iter()) {
        assert!(
            listed.iter().any(|u| u == name),
            "{name} missing: {listed:?}"
        );
    }
}

#[test]
fn demo_a_second_time_fails_and_changes_nothing() {
    let sb = Sandbox::new();
    with_demo(&sb);
    let users_before = stdout(&zlc(&sb, &["user", "list"]));
    let audit_before = audit_entries(&stdout(&zlc(&sb, &["audit", "verify"])));

    let again = zlc(&sb, &["demo", "--seed", "8"]);

    assert_exit(&again, 1);
    assert!(
        stderr(&again).contains("演示数据只能写入空库"),
        "{}",
        stderr(&again)
    );
    assert_eq!(stdout(&zlc(&sb, &["user", "list"])), users_before);
    assert_eq!(
        audit_entries(&stdout(&zlc(&sb, &["audit", "verify"]))),
        audit_before
    );
}

#[test]
fn demo_with_an_unknown_scale_fails_naming_the_allowed_scales() {
    let sb = Sandbox::new();

    let out = zlc(&sb, &["demo", "--scale", "galaxy"]);

    assert_exit(&out, 1);
    let err = stderr(&out);
    assert!(err.contains("galaxy"), "{err}");
    assert!(err.contains("small、city、province、national"), "{err}");
}

#[test]
fn demo_with_an_unknown_scale_leaves_the_database_untouched() {
    let sb = Sandbox::new();

    let out = zlc(&sb, &["demo", "--scale", "galaxy"]);

    assert_exit(&out, 1);
    assert!(
        !stdout(&out).contains("已创建三员管理账号"),
        "{}",
        stdout(&out)
    );
    assert!(
        !sb.database_initialised(),
        "a rejected command created the database"
    );
}

// ---------------------------------------------------------------------------
// Audit trail
// ---------------------------------------------------------------------------

#[test]
fn audit_verify_after_the_demo_passes_with_the_entry_count() {
    let sb = Sandbox::new();
    with_demo(&sb);

    let out = zlc(&sb, &["audit", "verify"]);

    assert_success(&out);
    let text = stdout(&out);
    assert!(text.contains("哈希链校验通过"), "{text}");
    // Every unit, official, item and account the demo wrote is one entry.
    assert!(audit_entries(&text) > 100, "{text}");
}

#[test]
fn audit_verify_detects_an_entry_edited_in_the_database_file() {
    let sb = Sandbox::new();
    if sqlite_only(&sb) {
        return;
    }
    with_demo(&sb);
    let backup = sb.file("copy.db");
    assert_success(&zlc(
        &sb,
        &["backup", "-o", backup.to_str().expect("utf-8")],
    ));
    // A second installation whose database file was edited by hand.
    let edited = Sandbox::new();
    std::fs::create_dir_all(edited.data()).expect("data dir");
    std::fs::copy(sb.data().join("zlc.key"), edited.data().join("zlc.key")).expect("key");
    std::fs::copy(&backup, edited.database()).expect("database");
    assert!(tamper(&edited.database(), "system:demo", "system:dEmo") > 0);

    let out = zlc(&edited, &["audit", "verify"]);

    assert_exit(&out, 1);
    assert!(
        stdout(&out).contains("审计日志校验失败"),
        "{}",
        stdout(&out)
    );
}

// ---------------------------------------------------------------------------
// Backup and restore
// ---------------------------------------------------------------------------

#[test]
fn backup_writes_the_file_and_refuses_to_overwrite_it() {
    let sb = Sandbox::new();
    if sqlite_only(&sb) {
        return;
    }
    with_demo(&sb);
    let backup = sb.file("backup.db");
    let path = backup.to_str().expect("utf-8 path");

    let first = zlc(&sb, &["backup", "-o", path]);
    let size = std::fs::metadata(&backup).expect("backup written").len();
    let second = zlc(&sb, &["backup", "-o", path]);

    assert_success(&first);
    assert!(size > 0);
    assert_exit(&second, 1);
    assert!(stderr(&second).contains("已存在"), "{}", stderr(&second));
    assert_eq!(std::fs::metadata(&backup).expect("backup").len(), size);
}

#[test]
fn restore_into_a_fresh_directory_brings_back_the_accounts() {
    let source = Sandbox::new();
    if sqlite_only(&source) {
        return;
    }
    with_demo(&source);
    let backup = source.file("backup.db");
    assert_success(&zlc(
        &source,
        &["backup", "-o", backup.to_str().expect("utf-8")],
    ));
    // The backup is sealed with the source's data key, which goes with it.
    let target = Sandbox::new();
    std::fs::create_dir_all(target.data()).expect("data dir");
    std::fs::copy(source.data().join("zlc.key"), target.data().join("zlc.key")).expect("key");

    let restored = zlc(&target, &["restore", backup.to_str().expect("utf-8")]);

    assert_success(&restored);
    assert!(
        stdout(&restored).contains("校验通过"),
        "{}",
        stdout(&restored)
    );
    let list = zlc(&target, &["user", "list"]);
    assert_success(&list);
    assert_eq!(stdout(&list), stdout(&zlc(&source, &["user", "list"])));
    let listed = usernames(&stdout(&list));
    for name in DEMO_ACCOUNTS {
        assert!(
            listed.iter().any(|u| u == name),
            "{name} missing: {listed:?}"
        );
    }
    assert_success(&zlc(&target, &["audit", "verify"]));
}

#[test]
fn restore_refuses_a_file_that_is_not_a_zlc_database() {
    let sb = Sandbox::new();
    if sqlite_only(&sb) {
        return;
    }
    with_demo(&sb);
    let users_before = stdout(&zlc(&sb, &["user", "list"]));
    let text = sb.write("notes.db", "这不是数据库\n");

    let out = zlc(&sb, &["restore", text.to_str().expect("utf-8")]);

    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains("不是有效的 zlc 备份"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stdout(&zlc(&sb, &["user", "list"])), users_before);
}

#[test]
fn restore_refuses_a_backup_whose_audit_trail_was_edited() {
    let source = Sandbox::new();
    if sqlite_only(&source) {
        return;
    }
    with_demo(&source);
    let backup = source.file("backup.db");
    assert_success(&zlc(
        &source,
        &["backup", "-o", backup.to_str().expect("utf-8")],
    ));
    assert!(tamper(&backup, "system:demo", "system:dEmo") > 0);
    // The same installation's key: the edit, not the key, must be named.
    let target = Sandbox::new();
    std::fs::create_dir_all(target.data()).expect("data dir");
    std::fs::copy(source.data().join("zlc.key"), target.data().join("zlc.key")).expect("key");

    let out = zlc(&target, &["restore", backup.to_str().expect("utf-8")]);

    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains("审计日志校验失败"),
        "{}",
        stderr(&out)
    );
    assert!(!target.database().exists(), "nothing was restored");
}

/// Runs SQL on the sandbox's SQLite database as someone with the file would.
fn with_the_file(sb: &Sandbox, statements: &[&str]) {
    let key = std::fs::read_to_string(sb.data().join("zlc.key")).expect("key");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let store = zlc_store::Store::open(
            &format!("sqlite:{}", sb.database().display()),
            zlc_store::crypto::FieldCipher::from_hex(key.trim()).expect("cipher"),
            &zlc_store::Options::default(),
        )
        .await
        .expect("open");
        for q in statements {
            store.db.execute(q, vec![]).await.expect(q);
        }
        store.close().await;
    });
}

#[test]
fn audit_checkpoints_outside_the_database_find_a_cut_log_that_its_own_chain_hides() {
    let sb = Sandbox::new();
    if sqlite_only(&sb) {
        return;
    }
    for name in ["alice", "bob", "carol"] {
        assert_success(&zlc(
            &sb,
            &["user", "add", name, "--name", "测试", "--role", "liaison"],
        ));
    }
    let anchor = sb.file("checkpoints.jsonl");
    let anchor_arg = anchor.to_str().expect("utf-8");
    assert_success(&zlc(&sb, &["audit", "checkpoint", "-o", anchor_arg]));
    let ok = zlc(&sb, &["audit", "verify", "--checkpoints", anchor_arg]);
    assert_success(&ok);
    assert!(stdout(&ok).contains("与 1 个检查点一致"), "{}", stdout(&ok));

    // Someone with the file drops the guard, cuts the last two entries and
    // points the head at what is left: the chain alone looks whole.
    with_the_file(
        &sb,
        &[
            "DROP TRIGGER audit_log_no_delete",
            "DELETE FROM audit_log WHERE seq > (SELECT MAX(seq) - 2 FROM audit_log)",
            "UPDATE audit_head SET last_seq = (SELECT MAX(seq) FROM audit_log), \
             last_hash = (SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1)",
        ],
    );
    let empty = sb.write("none.jsonl", "");
    let alone = zlc(
        &sb,
        &[
            "audit",
            "verify",
            "--checkpoints",
            empty.to_str().expect("utf-8"),
        ],
    );
    assert_success(&alone);

    // The checkpoint, sealed with the data key outside the database, does not.
    let out = zlc(&sb, &["audit", "verify", "--checkpoints", anchor_arg]);
    assert_exit(&out, 1);
    assert!(
        stdout(&out).contains("日志被截断或清空"),
        "{}",
        stdout(&out)
    );

    // Nor can the checkpoint file be rewritten to match without the key.
    let text = std::fs::read_to_string(&anchor).expect("read");
    let mut c: serde_json::Value = serde_json::from_str(text.trim()).expect("json");
    c["seq"] = serde_json::json!(c["seq"].as_i64().expect("seq") - 2);
    let forged = sb.write("forged.jsonl", &c.to_string());
    let out = zlc(
        &sb,
        &[
            "audit",
            "verify",
            "--checkpoints",
            forged.to_str().expect("utf-8"),
        ],
    );
    assert_exit(&out, 1);
    assert!(stdout(&out).contains("签名不符"), "{}", stdout(&out));
}

#[test]
fn restore_refuses_a_backup_sealed_with_another_data_key() {
    let source = Sandbox::new();
    if sqlite_only(&source) {
        return;
    }
    with_demo(&source);
    let backup = source.file("backup.db");
    assert_success(&zlc(
        &source,
        &["backup", "-o", backup.to_str().expect("utf-8")],
    ));
    // A fresh directory: zlc makes a new, different key there.
    let target = Sandbox::new();

    let out = zlc(&target, &["restore", backup.to_str().expect("utf-8")]);

    assert_exit(&out, 1);
    assert!(shown(&out).contains("密钥"), "{}", shown(&out));
}

// ---------------------------------------------------------------------------
// Accounts
// ---------------------------------------------------------------------------

#[test]
fn user_add_prints_a_one_time_password_and_lists_the_account() {
    let sb = Sandbox::new();

    let out = zlc(
        &sb,
        &[
            "user",
            "add",
            "alice",
            "--name",
            "爱丽丝",
            "--role",
            "liaison",
        ],
    );

    assert_success(&out);
    let password = value_after(&stdout(&out), "初始口令：").expect("a one-time password");
    assert!(password.chars().count() >= 10, "{password}");
    let list = stdout(&zlc(&sb, &["user", "list"]));
    let alice = list
        .lines()
        .find(|l| l.split_whitespace().nth(1) == Some("alice"))
        .unwrap_or_else(|| panic!("alice missing: {list}"));
    assert!(
        alice.contains("爱丽丝") && alice.contains("liaison"),
        "{alice}"
    );
}

#[test]
fn user_add_with_two_administrator_roles_is_refused_by_separation_of_duties() {
    let sb = Sandbox::new();

    let out = zlc(
        &sb,
        &[
            "user",
            "add",
            "bob",
            "--name",
            "B",
            "--role",
            "sysadmin",
            "--role",
            "auditadmin",
        ],
    );

    assert_exit(&out, 1);
    assert!(stderr(&out).contains("三员分立"), "{}", stderr(&out));
    let listed = usernames(&stdout(&zlc(&sb, &["user", "list"])));
    assert!(!listed.iter().any(|u| u == "bob"), "{listed:?}");
}

#[test]
fn user_token_prints_a_bearer_token_once() {
    let sb = Sandbox::new();
    assert_success(&zlc(
        &sb,
        &[
            "user",
            "add",
            "alice",
            "--name",
            "爱丽丝",
            "--role",
            "liaison",
        ],
    ));

    let out = zlc(&sb, &["user", "token", "alice", "--name", "ci"]);

    assert_success(&out);
    let text = stdout(&out);
    let token = value_after(&text, "）：").expect("the token");
    assert!(token.starts_with("zlc_"), "{text}");
    assert!(token.len() > "zlc_".len() + 16, "{token}");
    assert!(
        text.contains(&format!("Authorization: Bearer {token}")),
        "{text}"
    );
}

#[test]
fn user_token_for_an_unknown_account_fails_naming_it() {
    let sb = Sandbox::new();

    let out = zlc(&sb, &["user", "token", "nobody"]);

    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains("账号「nobody」不存在"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn user_reset_prints_a_new_one_time_password() {
    let sb = Sandbox::new();
    let added = zlc(
        &sb,
        &[
            "user",
            "add",
            "alice",
            "--name",
            "爱丽丝",
            "--role",
            "liaison",
        ],
    );
    let first = value_after(&stdout(&added), "初始口令：").expect("a one-time password");

    let out = zlc(&sb, &["user", "reset", "alice"]);

    assert_success(&out);
    let second = value_after(&stdout(&out), "口令已重置为：").expect("a new password");
    assert!(second.chars().count() >= 10, "{second}");
    assert_ne!(first, second);
}

#[test]
fn user_reset_admin_recovers_an_administrator_on_the_console_only() {
    let sb = Sandbox::new();
    zlc(
        &sb,
        &[
            "user",
            "add",
            "alice",
            "--name",
            "爱丽丝",
            "--role",
            "liaison",
        ],
    );

    let out = zlc(&sb, &["user", "reset-admin", "auditadmin"]);
    let refused = zlc(&sb, &["user", "reset-admin", "alice"]);

    assert_success(&out);
    let password = value_after(&stdout(&out), "口令已重置为：").expect("a new password");
    assert!(password.chars().count() >= 10, "{password}");
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("不是管理员账号"),
        "{}",
        stderr(&refused)
    );
}

// ---------------------------------------------------------------------------
// The seeds' tables: zlc import / zlc export
// ---------------------------------------------------------------------------

/// The quarter before today's: the demo fills it completely.
fn last_quarter() -> String {
    zlc_domain::period::Period::quarter_of(chrono::Local::now().date_naive())
        .previous()
        .to_string()
}

fn read_table(path: &Path, kind: zlc_domain::sheets::SheetKind) -> zlc_office::read::Parsed {
    let f = std::fs::File::open(path).expect("open the exported file");
    zlc_office::read::read(std::io::BufReader::new(f), kind).expect("the export reads back")
}

/// A department of the demo whose ledger of `period` has rows, with their count.
fn department_with_a_ledger(sb: &Sandbox, period: &str) -> (String, usize) {
    use zlc_domain::sheets::{Entries, SheetKind};
    let units = sb.file("units.xlsx");
    assert_success(&zlc(
        sb,
        &["export", "units", "-o", units.to_str().expect("path")],
    ));
    let parsed = read_table(&units, SheetKind::Units);
    let Entries::Units(rows) = &parsed.sheets[0].entries else {
        panic!("unit rows")
    };
    let depts: Vec<&str> = rows
        .iter()
        .filter(|u| u.kind == zlc_domain::registry::UnitKind::Department)
        .map(|u| u.name.as_str())
        .collect();
    assert!(!depts.is_empty(), "the demo has departments");
    let ledger = sb.file("ledger.xlsx");
    for d in depts {
        let mut names: Vec<&str> = rows.iter().map(|u| u.name.as_str()).collect();
        names.retain(|n| *n == d);
        if names.len() > 1 {
            continue;
        }
        let out = zlc(
            sb,
            &[
                "export",
                "ledger",
                "--period",
                period,
                "--unit",
                d,
                "-o",
                ledger.to_str().expect("path"),
            ],
        );
        assert_success(&out);
        let p = read_table(&ledger, SheetKind::Ledger);
        if p.rows() > 0 {
            return (d.to_string(), p.rows());
        }
    }
    panic!("no department of the demo has a ledger in {period}")
}

#[test]
fn a_ledger_exported_and_imported_back_changes_nothing() {
    let sb = Sandbox::new();
    with_demo(&sb);
    let period = last_quarter();
    let (dept, rows) = department_with_a_ledger(&sb, &period);
    let ledger = sb.file("ledger.xlsx");
    let before = audit_entries(&stdout(&zlc(&sb, &["audit", "verify"])));

    let dry = zlc(
        &sb,
        &[
            "import",
            "ledger",
            ledger.to_str().expect("path"),
            "--unit",
            &dept,
            "--dry-run",
        ],
    );
    assert_success(&dry);
    assert!(
        stdout(&dry).contains("检查通过（未写入）"),
        "{}",
        stdout(&dry)
    );
    let out = zlc(
        &sb,
        &[
            "import",
            "ledger",
            ledger.to_str().expect("path"),
            "--unit",
            &dept,
        ],
    );

    assert_success(&out);
    let text = stdout(&out);
    assert!(
        text.contains(&format!("共 {rows} 行，其中 {rows} 行此前已导入、未改动")),
        "every row is found already there: {text}"
    );
    assert!(!text.contains("写入："), "nothing is written: {text}");
    // The import is audited even when it adds nothing; the chain stays whole.
    let after = audit_entries(&stdout(&zlc(&sb, &["audit", "verify"])));
    assert_eq!(after, before + 1);
}

#[test]
fn a_bad_table_is_refused_naming_every_row_and_nothing_is_written() {
    let sb = Sandbox::new();
    with_demo(&sb);
    let (dept, _) = department_with_a_ledger(&sb, &last_quarter());
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    let rows: [&[&str]; 6] = [
        &["“干部走流程”问题整改台账"],
        &["填报单位(盖章):", "", "", "填报日期: 2024年4月10日"],
        &[
            "序号",
            "时间",
            "流程人员\n及职务",
            "体验事项",
            "走流程形式",
            "",
            "",
            "",
            "存在问题及\n原因",
            "整改及\n优化措施",
            "整改完\n成时间",
            "责任科室",
        ],
        &["", "", "", "", "驻窗办", "亲身办", "陪同办", "检验办"],
        &[
            "1",
            "2024.3.32",
            "钱八 分管局长",
            "企业开办",
            "",
            "✓",
            "",
            "",
            "证明材料重复提交",
            "",
            "",
            "",
        ],
        &[
            "2",
            "3月5日上午",
            "钱八 分管局长",
            "企业开办",
            "",
            "",
            "",
            "",
            "排队长",
            "",
            "",
            "不存在的科",
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *v).expect("write");
        }
    }
    let bad = sb.file("bad.xlsx");
    book.save(&bad).expect("save");
    let before = audit_entries(&stdout(&zlc(&sb, &["audit", "verify"])));

    let out = zlc(
        &sb,
        &[
            "import",
            "ledger",
            bad.to_str().expect("path"),
            "--unit",
            &dept,
        ],
    );

    assert_exit(&out, 1);
    let err = stderr(&out);
    assert!(err.contains("未写入任何数据"), "{err}");
    assert!(
        err.contains("row 5, column 时间: 无法识别的日期「2024.3.32」"),
        "{err}"
    );
    assert!(
        err.contains("row 6, column 走流程形式: 须在驻窗办、亲身办、陪同办、检验办中勾选一项"),
        "{err}"
    );
    let after = audit_entries(&stdout(&zlc(&sb, &["audit", "verify"])));
    assert_eq!(after, before, "nothing was written");
}

#[test]
fn import_into_a_mistyped_unit_lists_the_closest_names() {
    let sb = Sandbox::new();
    with_demo(&sb);
    let (dept, _) = department_with_a_ledger(&sb, &last_quarter());
    let ledger = sb.file("ledger.xlsx");
    let typo: String = dept.chars().skip(1).collect();

    let out = zlc(
        &sb,
        &[
            "import",
            "ledger",
            ledger.to_str().expect("path"),
            "--unit",
            &typo,
        ],
    );

    assert_exit(&out, 1);
    assert!(stderr(&out).contains(&dept), "{}", stderr(&out));
    let out = zlc(&sb, &["import", "nonsense", ledger.to_str().expect("path")]);
    assert_exit(&out, 1);
    assert!(stderr(&out).contains("window-schedule"), "{}", stderr(&out));
}

/// Exports `kind` of `period` (none for items and units) to `name` in the sandbox.
fn export_table(sb: &Sandbox, kind: &str, period: &str, name: &str) -> PathBuf {
    let path = sb.file(name);
    let p = path.to_str().expect("path");
    let out = if matches!(kind, "items" | "units") {
        zlc(sb, &["export", kind, "-o", p])
    } else {
        zlc(sb, &["export", kind, "--period", period, "-o", p])
    };
    assert_success(&out);
    path
}

fn kind_of(kind: &str) -> zlc_domain::sheets::SheetKind {
    zlc_domain::sheets::SheetKind::parse(kind).expect("a table kind")
}

/// Every row of every table of an exported file, without the row numbers
/// (which the file gives) and with the worksheet names left out.
fn entries_of(path: &Path, kind: &str) -> Vec<String> {
    let parsed = read_table(path, kind_of(kind));
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let mut out = Vec::new();
    for s in &parsed.sheets {
        let meta = format!(
            "{:?}|{:?}|{:?}",
            s.meta.unit, s.meta.official, s.meta.activity_kind
        );
        let rows = serde_json::to_value(&s.entries).expect("json");
        for r in rows
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(|v| v.as_array())
            .cloned()
            .unwrap_or_default()
        {
            let mut r = r;
            r["row"] = serde_json::json!(0);
            out.push(format!("{meta}|{r}"));
        }
    }
    out
}

/// The quarterly statistics as JSON.
fn quarterly(sb: &Sandbox, period: &str) -> serde_json::Value {
    let out = zlc(
        sb,
        &[
            "report",
            "quarterly",
            "--period",
            period,
            "--format",
            "json",
            "-o",
            "-",
        ],
    );
    assert_success(&out);
    serde_json::from_str(&stdout(&out)).expect("the report is JSON")
}

/// A use case's refusal reads as the command line's: the field by its flag,
/// nothing written.
#[test]
fn a_report_of_the_wrong_period_names_the_flag() {
    let sb = Sandbox::new();
    let out = zlc(
        &sb,
        &["report", "quarterly", "--period", "2024-03", "-o", "-"],
    );
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains("--period：应为季度，如 2024Q1"),
        "{}",
        stderr(&out)
    );
    let out = zlc(&sb, &["report", "monthly", "--period", "2024Q1", "-o", "-"]);
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains("--period：应为月，如 2024-03"),
        "{}",
        stderr(&out)
    );
}

/// The figures of a report that count records.
fn counted(r: &serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "activities": r["activities"], "by_kind": r["by_kind"], "visitors_received": r["visitors_received"],
        "items_experienced": r["items_experienced"], "problems_found": r["problems_found"],
        "problems_solved": r["problems_solved"], "needs": r["needs"], "officials": r["officials"],
    })
}

#[test]
fn every_table_of_the_demo_exported_and_imported_back_adds_nothing() {
    let sb = Sandbox::new();
    with_demo(&sb);
    let period = last_quarter();
    let before = counted(&quarterly(&sb, &period));
    let audit_before = audit_entries(&stdout(&zlc(&sb, &["audit", "verify"])));

    for kind in [
        "ledger",
        "lists",
        "items",
        "window-schedule",
        "window-stats",
    ] {
        let file = export_table(&sb, kind, &period, &format!("{kind}.xlsx"));
        let rows = read_table(&file, kind_of(kind)).rows();
        assert!(rows > 0, "the demo's {kind} of {period} has rows");

        let out = zlc(&sb, &["import", kind, file.to_str().expect("path")]);

        assert_success(&out);
        let text = stdout(&out);
        assert!(
            text.contains(&format!("共 {rows} 行，其中 {rows} 行此前已导入、未改动")),
            "{kind}: every row is found already there: {text}"
        );
        assert!(
            !text.contains("写入："),
            "{kind}: nothing is written: {text}"
        );
        assert!(!text.contains("新增科室"), "{kind}: {text}");
        // And the table reads the same out again.
        let again = export_table(&sb, kind, &period, &format!("{kind}-again.xlsx"));
        assert_eq!(entries_of(&again, kind), entries_of(&file, kind), "{kind}");
    }
    assert_eq!(counted(&quarterly(&sb, &period)), before);
    // Five imports, each audited, nothing else.
    let audit_after = audit_entries(&stdout(&zlc(&sb, &["audit", "verify"])));
    assert_eq!(audit_after, audit_before + 5);
}

#[test]
fn a_countys_tables_imported_into_another_database_keep_every_status_date_and_count() {
    let county = Sandbox::new();
    with_demo(&county);
    let city = Sandbox::new();
    let period = last_quarter();
    let kinds = [
        "units",
        "items",
        "window-schedule",
        "ledger",
        "window-stats",
        "lists",
    ];
    let files: Vec<PathBuf> = kinds
        .iter()
        .map(|k| export_table(&county, k, &period, &format!("{k}.xlsx")))
        .collect();

    for (kind, file) in kinds.iter().zip(&files) {
        let out = zlc(&city, &["import", kind, file.to_str().expect("path")]);
        assert_success(&out);
    }

    // Each table reads out of the city's database as it came from the county's:
    // the same rows, statuses (待整改 / 整改中 / 已整改·待验收 / 已销号), dates, units.
    for (kind, file) in kinds.iter().zip(&files).skip(2) {
        let back = export_table(&city, kind, &period, &format!("{kind}-city.xlsx"));
        // (Rows of a day come in the order their records were made, which
        // differs between the databases.)
        let (mut ours, mut theirs) = (entries_of(&back, kind), entries_of(file, kind));
        ours.sort();
        theirs.sort();
        assert_eq!(ours.len(), theirs.len(), "{kind}");
        for (a, b) in ours.iter().zip(&theirs) {
            assert_eq!(a, b, "{kind}");
        }
    }
    let parsed = read_table(&files[3], kind_of("ledger"));
    let statuses: std::collections::BTreeSet<String> = parsed
        .sheets
        .iter()
        .flat_map(|s| match &s.entries {
            zlc_domain::sheets::Entries::Ledger(v) => v.clone(),
            _ => Vec::new(),
        })
        .filter_map(|e| e.status.map(|s| s.label_zh().to_string()))
        .collect();
    assert!(
        statuses.contains("待整改") && statuses.contains("整改中") && statuses.contains("已销号"),
        "the demo's ledger shows every status: {statuses:?}"
    );
    // The counts the tables carry are the county's.
    let (c, k) = (quarterly(&city, &period), quarterly(&county, &period));
    for key in ["activities", "by_kind", "items_experienced", "needs"] {
        assert_eq!(c[key], k[key], "{key}");
    }
}

/// A ledger as a department fills it in: `rows` of (date, person, item,
/// mark column, problem, measures, done, section).
fn hand_ledger(sb: &Sandbox, name: &str, unit: &str, rows: &[[&str; 8]]) -> PathBuf {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    let head: [&[&str]; 4] = [
        &["“干部走流程”问题整改台账"],
        &[&format!("填报单位(盖章):{unit}")],
        &[
            "序号",
            "时间",
            "流程人员\n及职务",
            "体验事项",
            "走流程形式",
            "",
            "",
            "",
            "存在问题及\n原因",
            "整改及\n优化措施",
            "整改完\n成时间",
            "责任科室",
        ],
        &["", "", "", "", "驻窗办", "亲身办", "陪同办", "检验办"],
    ];
    for (r, row) in head.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *v).expect("write");
        }
    }
    for (k, row) in rows.iter().enumerate() {
        let r = (k + 4) as u32;
        let [date, who, item, mark, problem, measures, done, section] = row;
        ws.write_string(r, 0, (k + 1).to_string()).expect("write");
        for (c, v) in [
            (1, date),
            (2, who),
            (3, item),
            (8, problem),
            (9, measures),
            (10, done),
            (11, section),
        ] {
            ws.write_string(r, c, *v).expect("write");
        }
        let col = ["驻窗办", "亲身办", "陪同办", "检验办"]
            .iter()
            .position(|m| m == mark)
            .expect("a mark column") as u16;
        ws.write_string(r, 4 + col, "√").expect("write");
    }
    let path = sb.file(name);
    book.save(&path).expect("save");
    path
}

/// A day of the quarter before this one, written as people write it.
fn day_of_last_quarter(day: u32) -> String {
    let p = zlc_domain::period::Period::parse(&last_quarter()).expect("period");
    let d = p.start() + chrono::Days::new(u64::from(day));
    d.format("%Y.%-m.%-d").to_string()
}

#[test]
fn a_ledger_naming_a_section_not_registered_yet_adds_it_and_a_near_twin_is_refused() {
    let sb = Sandbox::new();
    with_demo(&sb);
    let (d1, d2) = (day_of_last_quarter(10), day_of_last_quarter(20));
    let ledger = hand_ledger(
        &sb,
        "医保台账.xlsx",
        "区医疗保障局",
        &[
            [
                &d1,
                "孙立 科长",
                "异地就医备案",
                "亲身办",
                "备案材料要求不一致。原因：窗口标准未统一",
                "",
                "",
                "医保经办科",
            ],
            [
                &d1,
                "孙立 科长",
                "异地就医备案",
                "亲身办",
                "网上备案入口难找",
                "",
                "",
                "医保经办科",
            ],
            [
                &d2,
                "孙立 科长",
                "门诊慢特病待遇认定",
                "陪同办",
                "无",
                "",
                "",
                "",
            ],
            [
                &d2,
                "孙立 科长",
                "门诊慢特病待遇认定",
                "陪同办",
                "认定结果无短信告知",
                "",
                "",
                "基金监管科",
            ],
        ],
    );

    let out = zlc(&sb, &["import", "ledger", ledger.to_str().expect("path")]);

    assert_success(&out);
    let text = stdout(&out);
    assert!(
        text.contains("新增科室 1：医保经办科（区医疗保障局）"),
        "{text}"
    );
    assert!(text.contains("问题 3"), "{text}");
    // The section now exists: the same table again adds nothing.
    let again = zlc(&sb, &["import", "ledger", ledger.to_str().expect("path")]);
    assert_success(&again);
    assert!(!stdout(&again).contains("新增科室"), "{}", stdout(&again));
    assert!(
        stdout(&again).contains("共 4 行，其中 4 行此前已导入"),
        "{}",
        stdout(&again)
    );

    // One character off an existing section is a slip, not a new section.
    let twin = hand_ledger(
        &sb,
        "错字台账.xlsx",
        "区医疗保障局",
        &[
            [
                &d2,
                "孙立 科长",
                "异地就医备案",
                "亲身办",
                "备案进度查询不到",
                "",
                "",
                "待遇保障股",
            ],
            [
                &d2,
                "孙立 科长",
                "异地就医备案",
                "亲身办",
                "窗口无叫号屏",
                "",
                "",
                "综合保障科",
            ],
        ],
    );
    let before = audit_entries(&stdout(&zlc(&sb, &["audit", "verify"])));
    let out = zlc(&sb, &["import", "ledger", twin.to_str().expect("path")]);
    assert_exit(&out, 1);
    let err = stderr(&out);
    assert!(
        err.contains(
            "row 5, column 责任科室: 科室「待遇保障股」与已有的科室「待遇保障科」只差一个字"
        ),
        "{err}"
    );
    assert!(
        err.contains("共 1 处错误"),
        "only the slip is refused: {err}"
    );
    let after = audit_entries(&stdout(&zlc(&sb, &["audit", "verify"])));
    assert_eq!(after, before, "nothing was written, not even 综合保障科");
}

#[test]
fn an_import_refuses_what_the_forms_refuse_naming_row_and_column() {
    let sb = Sandbox::new();
    with_demo(&sb);
    let (d1, d2) = (day_of_last_quarter(5), day_of_last_quarter(8));
    let ledger = hand_ledger(
        &sb,
        "台账.xlsx",
        "区医疗保障局",
        &[
            [
                &d1,
                "孙立 科长",
                "异地就医备案",
                "亲身办",
                "备案材料要求不一致",
                "已整改",
                &d2,
                "",
            ],
            [
                &d1,
                "孙立 科长",
                "异地就医备案",
                "检验办",
                "网上备案入口难找",
                "",
                "",
                "",
            ],
            [
                &d1,
                "孙立 科长",
                "门诊慢特病待遇认定",
                "陪同办",
                "认定结果无短信告知",
                "在认定系统中增加短信通知，结果生成后自动推送申请人",
                &d2,
                "",
            ],
        ],
    );

    let out = zlc(&sb, &["import", "ledger", ledger.to_str().expect("path")]);

    assert_exit(&out, 1);
    let err = stderr(&out);
    assert!(
        err.contains("row 5, column 整改及优化措施: 整改措施「已整改」"),
        "the close form's check, on the row that closes a problem: {err}"
    );
    assert!(
        err.contains("row 6, column 走流程形式: 本地规则未开展「检验办」活动"),
        "policy 003 has no 检验办: {err}"
    );
    assert!(
        err.contains("共 2 处错误"),
        "the concrete measures pass: {err}"
    );
}

/// Opens the sandbox's database (SQLite file or PostgreSQL database).
async fn open_store(sb: &Sandbox) -> zlc_store::Store {
    let key = std::fs::read_to_string(sb.data().join("zlc.key")).expect("key");
    let url = match &sb.pg {
        Some(pg) => pg.url.clone(),
        None => format!("sqlite:{}", sb.database().display()),
    };
    zlc_store::Store::open(
        &url,
        zlc_store::crypto::FieldCipher::from_hex(key.trim()).expect("cipher"),
        &zlc_store::Options::default(),
    )
    .await
    .expect("open")
}

/// A problem's judged facts: id, shallow, perfunctory, closing month.
type JudgedProblem = (i64, Option<String>, Option<String>, Option<String>);

/// What the statistics and the findings derive from the records, as text:
/// each problem's judged facts, each activity's count of what it found,
/// the days and modes the findings count, the closing months.
async fn derived_facts(store: &zlc_store::Store) -> Vec<String> {
    let mut out = Vec::new();
    let problems: Vec<JudgedProblem> = store
        .db
        .fetch_all(
            "SELECT id, shallow, perfunctory, closure_month FROM problems ORDER BY id",
            vec![],
        )
        .await
        .expect("problems");
    out.extend(problems.iter().map(|r| format!("problem {r:?}")));
    let found: Vec<(i64, i64)> = store
        .db
        .fetch_all(
            "SELECT id, found FROM activities WHERE status = 'filed' ORDER BY id",
            vec![],
        )
        .await
        .expect("activities");
    out.extend(found.iter().map(|r| format!("found {r:?}")));
    let days: Vec<(i64, String, String, String, i64, String)> = store
        .db
        .fetch_all(
            "SELECT unit_id, unit_path, day, place, officials, detail FROM finding_days ORDER BY unit_id, day, place",
            vec![],
        )
        .await
        .expect("days");
    out.extend(days.iter().map(|r| format!("day {r:?}")));
    let modes: Vec<(String, i64, i64, i64, i64, i64, i64)> = store
        .db
        .fetch_all(
            "SELECT period, unit_id, walks, online, cross_mode, citizen, unannounced FROM finding_modes ORDER BY period, unit_id",
            vec![],
        )
        .await
        .expect("modes");
    out.extend(modes.iter().map(|r| format!("modes {r:?}")));
    let closure: Vec<(i64, String, String, i64)> = store
        .db
        .fetch_all(
            "SELECT unit_id, found_month, closed_month, CAST(n AS BIGINT) FROM stats_closure WHERE n <> 0 ORDER BY unit_id, found_month, closed_month",
            vec![],
        )
        .await
        .expect("closure");
    out.extend(closure.iter().map(|r| format!("closure {r:?}")));
    out
}

/// The demo judges its problems' texts and closing months as it writes
/// them and counts the findings' facts in one pass at the end; what it
/// leaves equals what the server derives from the same records when every
/// fact is dropped and judged again, on either database.
#[test]
fn the_demos_judged_facts_equal_judging_its_records_again() {
    let sb = Sandbox::new();
    with_demo(&sb);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let store = open_store(&sb).await;
        let policy = zlc_domain::policy::Policy::from_toml(
            &store
                .active_policy()
                .await
                .expect("policy")
                .expect("an active policy")
                .source,
        )
        .expect("policy parses");
        let demo = derived_facts(&store).await;
        assert!(
            demo.iter().any(|r| r.starts_with("problem") && r.contains("Some(")),
            "the demo judges some problems' texts or closing months"
        );
        assert!(demo.iter().any(|r| r.starts_with("day ")), "days counted");
        // Nothing is left for the findings to judge or count again.
        for table in ["problems", "needs", "activities"] {
            let unjudged: Option<i64> = store
                .db
                .scalar(
                    &format!("SELECT COUNT(*) FROM {table} WHERE judged IS NULL"),
                    vec![],
                )
                .await
                .expect("unjudged");
            assert_eq!(unjudged, Some(0), "{table} left unjudged by the demo");
        }
        store
            .db
            .execute(
                "UPDATE problems SET judged = NULL, shallow = NULL, perfunctory = NULL, closure_month = NULL",
                vec![],
            )
            .await
            .expect("forget");
        store
            .db
            .execute("UPDATE needs SET judged = NULL", vec![])
            .await
            .expect("forget the needs");
        store
            .db
            .execute(
                "DELETE FROM settings WHERE key = 'judged_under'",
                vec![],
            )
            .await
            .expect("forget the rules");
        store.rebuild_stats().await.expect("rebuild");
        store
            .db
            .execute(
                "UPDATE activities SET judged = NULL, found = 0",
                vec![],
            )
            .await
            .expect("forget the counts");
        store.catch_up_findings(&policy).await.expect("catch up");
        assert_eq!(derived_facts(&store).await, demo);
        store.close().await;
    });
}

#[test]
fn the_demo_keeps_to_the_policy_it_is_generated_under() {
    use zlc_domain::kinds::{Mode, ProblemStatus};
    use zlc_domain::sheets::Entries;
    let sb = Sandbox::new();
    with_demo(&sb);
    let policy = zlc_domain::policy::Policy::from_toml(
        zlc_domain::policy::preset("003")
            .expect("preset 003")
            .source,
    )
    .expect("policy 003");
    let year = &last_quarter()[..4];
    let ledger = read_table(
        &export_table(&sb, "ledger", year, "ledger.xlsx"),
        kind_of("ledger"),
    );
    let lists = read_table(
        &export_table(&sb, "lists", year, "lists.xlsx"),
        kind_of("lists"),
    );

    let mut closed: Vec<(String, Option<String>)> = Vec::new();
    for s in &ledger.sheets {
        let Entries::Ledger(rows) = &s.entries else {
            continue;
        };
        for r in rows {
            assert_ne!(r.mode, Mode::Inspect, "003 has no 检验办: {r:?}");
            if matches!(
                r.status,
                Some(ProblemStatus::Closed | ProblemStatus::AwaitingVerification)
            ) {
                closed.push((r.measures.clone().unwrap_or_default(), None));
            }
        }
    }
    for s in &lists.sheets {
        let Entries::Lists(rows) = &s.entries else {
            continue;
        };
        for r in rows {
            if let Some(m) = r.mode {
                assert!(
                    policy.allows(m.kind(), m),
                    "{m:?} is not one of 003's modes"
                );
            }
            if r.status == Some(ProblemStatus::Closed) {
                closed.push((r.measure.clone().unwrap_or_default(), r.effect.clone()));
            }
        }
    }
    assert!(
        closed.len() > 100,
        "the demo closes problems: {}",
        closed.len()
    );
    for (m, e) in &closed {
        let checked = zlc_domain::campaign::problem::check_rectification_texts(
            &policy,
            Some(m),
            e.as_deref(),
        );
        assert!(
            checked.is_ok(),
            "the close form refuses {m} / {e:?}: {checked:?}"
        );
    }
    // Formalism to find: some pass the form and name no concrete change…
    let vague = ["针对该问题", "高度重视", "召开专题会议", "按照要求认真整改"];
    assert!(
        closed
            .iter()
            .any(|(m, _)| vague.iter().any(|v| m.starts_with(v))),
        "some closed problems have measures that say nothing concrete"
    );
    // …most name one, each case in words of its own: the richest, that the
    // notice would quote as good cases, are not one text repeated. (三个清单
    // carries both measures and effect, each problem once.)
    let mut cases: Vec<String> = closed
        .iter()
        .filter_map(|(m, e)| e.as_ref().map(|e| format!("{m}｜{e}")))
        .collect();
    cases.sort_by_key(|c| std::cmp::Reverse(c.chars().count()));
    let top: std::collections::BTreeSet<&String> = cases.iter().take(10).collect();
    assert_eq!(
        top.len(),
        10,
        "the richest cases are distinct: {:?}",
        &cases[..10]
    );
    let concrete = closed
        .iter()
        .filter(|(m, _)| m.chars().any(|c| c.is_ascii_digit()))
        .count();
    assert!(
        concrete * 2 > closed.len(),
        "{concrete} of {}",
        closed.len()
    );
}

#[test]
fn check_prints_the_findings_the_quarterly_report_carries_and_grades_count() {
    let sb = Sandbox::new();
    with_demo(&sb);
    let period = last_quarter();

    let json = zlc(&sb, &["check", "--period", &period, "--format", "json"]);
    let text = zlc(&sb, &["check", "--period", &period]);
    let report = quarterly(&sb, &period);

    assert_success(&json);
    assert_success(&text);
    let found: Vec<serde_json::Value> =
        serde_json::from_str(&stdout(&json)).expect("findings as JSON");
    assert!(!found.is_empty(), "the demo walks with formalism to find");
    for f in &found {
        // Each names its unit, says why and lists the records behind it.
        assert!(!f["unit"].as_str().unwrap_or_default().is_empty(), "{f}");
        assert!(!f["reason"].as_str().unwrap_or_default().is_empty(), "{f}");
        let detail = f["detail"].as_str().unwrap_or_default();
        assert!(
            !detail.contains("「「") && !detail.contains("」」"),
            "{detail}"
        );
        if f["kind"] != "one-sided-modes" {
            assert!(!f["records"].as_array().expect("records").is_empty(), "{f}");
        }
    }
    // The text names the kind in Chinese, the unit, the reason.
    let printed = stdout(&text);
    assert!(printed.contains("依据："), "{printed}");
    assert!(!printed.contains("empty-walk") && !printed.contains("clustered-dates"));
    // The quarterly JSON carries the same findings (none dismissed yet)…
    let keys = |v: &[serde_json::Value]| -> Vec<String> {
        v.iter()
            .map(|f| f["key"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(
        keys(report["findings"].as_array().expect("findings")),
        keys(&found)
    );
    // …and every unit's grade counts its own, saying so in its parts.
    for u in report["units"].as_array().expect("units") {
        let mine = found
            .iter()
            .filter(|f| f["row_unit_id"] == u["unit_id"])
            .count();
        assert_eq!(u["findings"], mine, "{u}");
        let formalism = found
            .iter()
            .filter(|f| f["row_unit_id"] == u["unit_id"])
            .filter(|f| {
                [
                    "clustered-dates",
                    "shallow-problem",
                    "one-sided-modes",
                    "perfunctory-rectification",
                    "empty-walk",
                ]
                .contains(&f["kind"].as_str().unwrap_or_default())
            })
            .count();
        let parts = u["score_parts"].to_string();
        assert_eq!(parts.contains("形式主义问题"), formalism > 0, "{u}");
        // 整改率 never passes 100%.
        if let Some(rate) = u["rectification_rate"].as_f64() {
            assert!((0.0..=1.0).contains(&rate), "{u}");
        }
    }
    assert!(
        report["rectification_rate"]
            .as_f64()
            .is_some_and(|r| r <= 1.0)
    );
    assert_eq!(
        report["problems_solved"].as_i64(),
        Some(
            report["problems_found_closed"].as_i64().unwrap_or(0)
                + report["problems_closed_old"].as_i64().unwrap_or(0)
        )
    );
}

// ---------------------------------------------------------------------------
// 督办: zlc remind
// ---------------------------------------------------------------------------

/// The demo as of the working day after the 2024 National Day holiday.
const REMIND_DAY: &str = "2024-10-08";

fn with_demo_on(sb: &Sandbox, today: &str) {
    assert_success(&run(command(sb)
        .env("ZLC_DEMO_TODAY", today)
        .arg("--data-dir")
        .arg(sb.data())
        .args(["demo", "--scale", "small", "--seed", "7"])));
}

/// The JSON lines `zlc remind` printed.
fn remind_lines(out: &Output) -> Vec<serde_json::Value> {
    stdout(out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}")))
        .collect()
}

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

fn notify_config(sb: &Sandbox, name: &str, smtp_url: &str, webhook_url: Option<&str>) -> PathBuf {
    let webhook = webhook_url
        .map(|u| format!("webhook_url = \"{u}\"\nwebhook_secret = \"s3cret\"\n"))
        .unwrap_or_default();
    sb.write(
        name,
        &format!(
            "[notify]\nsmtp_url = \"{smtp_url}\"\nsmtp_from = \"督办 <duban@example.cn>\"\n{webhook}"
        ),
    )
}

#[test]
fn remind_sends_each_rung_once_and_a_failing_mail_server_is_retried_without_stopping_the_webhook() {
    use zlc_notify::testkit::{SmtpSink, WebhookReceiver};
    let sb = Sandbox::new();
    with_demo_on(&sb, REMIND_DAY);
    assert_success(&zlc(
        &sb,
        &["user", "email", "demo-handler", "handler@example.cn"],
    ));
    assert_success(&zlc(
        &sb,
        &["user", "email", "demo-liaison", "liaison@example.cn"],
    ));
    let bad = zlc(
        &sb,
        &["user", "email", "demo-liaison2", "liaison2 at example"],
    );
    assert_exit(&bad, 1);
    assert!(shown(&bad).contains("邮箱格式不正确"), "{}", shown(&bad));

    // A dry run prints what would go and writes nothing: twice the same.
    let dry = zlc(&sb, &["remind", "--date", REMIND_DAY, "--dry-run"]);
    assert_success(&dry);
    let lines = remind_lines(&dry);
    assert!(
        !lines.is_empty(),
        "the demo has open duties on {REMIND_DAY}"
    );
    for l in &lines {
        assert_eq!(l["day"], REMIND_DAY);
        assert!(
            ["提醒", "催办", "督办"].contains(&l["rung_label"].as_str().unwrap_or("")),
            "{l}"
        );
        assert!(
            !l["to"].as_array().expect("to").is_empty(),
            "someone is told: {l}"
        );
        assert!(
            l["note"].as_str().expect("note").contains("工作日")
                || l["note"].as_str().expect("note").contains("今日到期"),
            "{l}"
        );
    }
    // 003's 2024Q3 lists were due 2024-09-20: a week and more later, every
    // unit that has not handed them in is escalated to the lead office.
    let lists: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|l| {
            l["duty"] == "submit-report"
                && l["title"]
                    .as_str()
                    .unwrap_or("")
                    .contains("2024年第三季度问题清单")
        })
        .collect();
    assert!(!lists.is_empty(), "{}", stdout(&dry));
    for l in &lists {
        assert_eq!(l["rung_label"], "督办", "{l}");
        assert_eq!(l["due"], "2024-09-20", "{l}");
        assert_eq!(
            l["link"],
            "/submissions?report=quarterly-lists&period=2024Q3"
        );
    }
    // 003's plans for 2024Q4 were due 2024-09-30 (the end of the month
    // before): the first working day after the holiday urges every unit
    // that has none past its draft.
    let plans: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|l| l["duty"] == "submit-plan")
        .collect();
    assert!(!plans.is_empty(), "{}", stdout(&dry));
    for l in &plans {
        assert_eq!(l["rung_label"], "催办", "{l}");
        assert_eq!(l["due"], "2024-09-30", "{l}");
        assert_eq!(l["note"], "已逾期 1 个工作日（期限 2024-09-30）", "{l}");
        assert!(
            l["title"].as_str().unwrap_or("").contains("2024年第四季度"),
            "{l}"
        );
    }
    let again = zlc(&sb, &["remind", "--date", REMIND_DAY, "--dry-run"]);
    assert_eq!(
        remind_lines(&again).len(),
        lines.len(),
        "a dry run wrote nothing"
    );

    // The mail server is down; the webhook is up and signs are checked.
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let hook = rt.block_on(WebhookReceiver::start(Some("s3cret".into()), 0));
    let down = format!("smtp://127.0.0.1:{}", closed_port());
    let cfg = notify_config(&sb, "down.toml", &down, Some(&hook.url()));
    let cfg_arg = cfg.to_str().expect("path");
    let first = zlc(&sb, &["--config", cfg_arg, "remind", "--date", REMIND_DAY]);
    assert_success(&first);
    assert_eq!(
        remind_lines(&first).len(),
        lines.len(),
        "the run sends what the dry run showed"
    );
    let err = stderr(&first);
    assert!(err.contains("投递失败，将再试"), "{err}");
    assert!(err.contains("Webhook webhook 2024-10-08：已送达"), "{err}");
    assert_eq!(hook.received().len(), 1, "one summary for the day");
    let title = hook.received()[0]["title"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(
        title.contains("走流程督办") && title.contains("2024年10月8日"),
        "{title}"
    );

    // The mail server is back: the next run sends nothing new, and the
    // digests owed go out once; the webhook is not sent again.
    let mut sink = SmtpSink::start();
    let cfg = notify_config(&sb, "up.toml", &sink.url(), Some(&hook.url()));
    let cfg_arg = cfg.to_str().expect("path");
    let second = zlc(&sb, &["--config", cfg_arg, "remind", "--date", REMIND_DAY]);
    assert_success(&second);
    assert!(remind_lines(&second).is_empty(), "{}", stdout(&second));
    assert!(stderr(&second).contains("已计算过"), "{}", stderr(&second));
    let mails = sink.messages();
    assert!(!mails.is_empty(), "{}", stderr(&second));
    let mut to: Vec<String> = mails.iter().flat_map(|m| m.to.clone()).collect();
    to.sort();
    let n = to.len();
    to.dedup();
    assert_eq!(to.len(), n, "one digest per person: {to:?}");
    for m in &mails {
        assert!(m.subject.contains("走流程督办"), "{}", m.subject);
        assert!(
            m.body.contains("工作日") || m.body.contains("今日到期"),
            "{}",
            m.body
        );
    }
    assert_eq!(hook.received().len(), 1);
    let third = zlc(&sb, &["--config", cfg_arg, "remind", "--date", REMIND_DAY]);
    assert_success(&third);
    assert_eq!(
        sink.messages().len(),
        mails.len(),
        "nothing is mailed twice"
    );
    sink.stop();
}

#[test]
fn two_runs_of_one_day_at_once_send_each_reminder_and_digest_once() {
    use zlc_notify::testkit::SmtpSink;
    let sb = Sandbox::new();
    with_demo_on(&sb, REMIND_DAY);
    for (user, addr) in [
        ("demo-handler", "handler@example.cn"),
        ("demo-liaison", "liaison@example.cn"),
        ("demo-liaison2", "liaison2@example.cn"),
        ("demo-supervisor", "supervisor@example.cn"),
        ("demo-official", "official@example.cn"),
    ] {
        assert_success(&zlc(&sb, &["user", "email", user, addr]));
    }
    let expected = remind_lines(&zlc(&sb, &["remind", "--date", REMIND_DAY, "--dry-run"])).len();
    assert!(expected > 0);
    let mut sink = SmtpSink::start();
    let cfg = notify_config(&sb, "up.toml", &sink.url(), None);
    let cfg_arg = cfg.to_str().expect("path").to_string();
    let runs: Vec<std::process::Child> = (0..2)
        .map(|_| {
            command(&sb)
                .arg("--data-dir")
                .arg(sb.data())
                .args(["--config", &cfg_arg, "remind", "--date", REMIND_DAY])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("start zlc")
        })
        .collect();
    let outs: Vec<Output> = runs
        .into_iter()
        .map(|c| c.wait_with_output().expect("wait"))
        .collect();
    let sent: usize = outs
        .iter()
        .map(|o| {
            assert_success(o);
            remind_lines(o).len()
        })
        .sum();
    assert_eq!(sent, expected, "each reminder once across both runs");
    // Whichever run lost the claim may have left the digests to the other;
    // one more pass delivers anything still owed, never twice.
    assert_success(&zlc(
        &sb,
        &["--config", &cfg_arg, "remind", "--date", REMIND_DAY],
    ));
    let mails = sink.messages();
    let mut to: Vec<String> = mails.iter().flat_map(|m| m.to.clone()).collect();
    assert!(!to.is_empty());
    to.sort();
    let n = to.len();
    to.dedup();
    assert_eq!(to.len(), n, "one digest per person: {to:?}");
    sink.stop();
}

/// A log line as printed, with the terminal's colour codes taken out.
fn plain(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // ESC [ ... letter
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn two_servers_on_one_database_run_the_day_once_and_mail_each_digest_once() {
    use std::io::BufRead;
    use zlc_notify::testkit::SmtpSink;
    let sb = Sandbox::new();
    with_demo_on(&sb, REMIND_DAY);
    let addresses = [
        ("demo-handler", "handler@example.cn"),
        ("demo-liaison", "liaison@example.cn"),
        ("demo-liaison2", "liaison2@example.cn"),
        ("demo-supervisor", "supervisor@example.cn"),
        ("demo-official", "official@example.cn"),
    ];
    for (user, addr) in addresses {
        assert_success(&zlc(&sb, &["user", "email", user, addr]));
    }
    let dry = remind_lines(&zlc(&sb, &["remind", "--date", REMIND_DAY, "--dry-run"]));
    let expected = dry.len();
    assert!(expected > 0);
    // One digest for each account with an address that the day tells.
    let listed = stdout(&zlc(&sb, &["user", "list"]));
    let told: std::collections::BTreeSet<&str> = dry
        .iter()
        .flat_map(|l| l["to"].as_array().expect("to").iter())
        .filter_map(|n| n.as_str())
        .collect();
    let digests = addresses
        .iter()
        .filter(|(user, _)| {
            listed.lines().any(|l| {
                let cols: Vec<&str> = l.split_whitespace().collect();
                cols.get(1) == Some(user) && cols.get(2).is_some_and(|name| told.contains(name))
            })
        })
        .count();
    assert!(digests > 0, "the day tells an account with an address");
    let mut sink = SmtpSink::start();
    let cfg = notify_config(&sb, "serve.toml", &sink.url(), None);
    std::fs::write(
        &cfg,
        format!(
            "{}daily_at = \"08:30\"\n",
            std::fs::read_to_string(&cfg).expect("config")
        ),
    )
    .expect("config");
    // Both servers believe it is 09:00 on the day, past daily_at: each
    // tries to run the day as soon as it starts.
    let (tx, rx) = std::sync::mpsc::channel::<(usize, String)>();
    let mut servers: Vec<std::process::Child> = (0..2)
        .map(|i| {
            let mut child = command(&sb)
                .arg("--data-dir")
                .arg(sb.data())
                .arg("--config")
                .arg(&cfg)
                .args(["serve", "--listen", "127.0.0.1:0"])
                .env("ZLC_CLOCK", format!("{REMIND_DAY}T09:00:00"))
                .env("RUST_LOG", "warn,zlc=info")
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("start zlc serve");
            let err = child.stderr.take().expect("stderr");
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in std::io::BufReader::new(err).lines().map_while(Result::ok) {
                    let _ = tx.send((i, plain(&line)));
                }
            });
            child
        })
        .collect();
    // Wait on the servers' own signals: each logs how its claim of the day
    // went, and whichever takes deliveries logs how many it sent.
    let mut claims: Vec<Option<String>> = vec![None, None];
    let mut ran = 0usize;
    let mut delivered = 0usize;
    let mut log = String::new();
    let value = |line: &str, key: &str| -> Option<String> {
        line.split_whitespace()
            .find_map(|w| w.strip_prefix(&format!("{key}=")).map(str::to_string))
    };
    while claims.iter().any(Option::is_none) || delivered < digests {
        let (i, line) = rx
            .recv_timeout(std::time::Duration::from_secs(300))
            .unwrap_or_else(|_| panic!("the servers went quiet:\n{log}"));
        log.push_str(&format!("[{i}] {line}\n"));
        if line.contains("daily reminders") {
            let claim = value(&line, "claim").expect("claim");
            if claim == "Mine" {
                ran += value(&line, "reminders")
                    .and_then(|n| n.parse::<usize>().ok())
                    .expect("reminders");
            }
            claims[i] = Some(claim);
        }
        if line.contains("deliveries") {
            assert_eq!(value(&line, "failed").as_deref(), Some("0"), "{log}");
            delivered += value(&line, "delivered")
                .and_then(|n| n.parse::<usize>().ok())
                .expect("delivered");
        }
        assert!(!line.contains("ERROR"), "{log}");
    }
    for s in &mut servers {
        let _ = s.kill();
        let _ = s.wait();
    }
    let mine = claims
        .iter()
        .filter(|c| c.as_deref() == Some("Mine"))
        .count();
    assert_eq!(mine, 1, "exactly one server ran the day:\n{log}");
    assert_eq!(ran, expected, "every reminder of the day, once");
    assert_eq!(delivered, digests, "{log}");
    let mails = sink.messages();
    assert_eq!(mails.len(), digests, "{log}");
    let mut to: Vec<String> = mails.iter().flat_map(|m| m.to.clone()).collect();
    to.sort();
    let n = to.len();
    to.dedup();
    assert_eq!(to.len(), n, "one digest per person: {to:?}");
    for t in &to {
        assert!(
            addresses.iter().any(|(_, a)| t.contains(a)),
            "{t} is one of the addresses set"
        );
    }
    // Nothing is left to send, and a run by hand sends nothing again.
    assert!(remind_lines(&zlc(&sb, &["remind", "--date", REMIND_DAY, "--dry-run"])).is_empty());
    let again = zlc(
        &sb,
        &[
            "--config",
            cfg.to_str().expect("path"),
            "remind",
            "--date",
            REMIND_DAY,
        ],
    );
    assert_success(&again);
    assert!(remind_lines(&again).is_empty(), "{}", stdout(&again));
    assert_eq!(
        sink.messages().len(),
        mails.len(),
        "nothing is mailed twice"
    );
    sink.stop();
}

#[test]
fn import_as_a_submission_needs_its_period_and_a_report_of_the_policy() {
    let sb = Sandbox::new();
    with_demo(&sb);
    let (dept, _) = department_with_a_ledger(&sb, &last_quarter());
    let ledger = sb.file("ledger.xlsx");
    let file = ledger.to_str().expect("path");
    let half = zlc(
        &sb,
        &[
            "import",
            "ledger",
            file,
            "--unit",
            &dept,
            "--submit",
            "quarterly-lists",
        ],
    );
    assert_exit(&half, 2);
    assert!(shown(&half).contains("--period"), "{}", shown(&half));
    let unknown = zlc(
        &sb,
        &[
            "import",
            "ledger",
            file,
            "--unit",
            &dept,
            "--submit",
            "no-such-report",
            "--period",
            &last_quarter(),
        ],
    );
    assert_exit(&unknown, 1);
    let text = shown(&unknown);
    assert!(
        text.contains("没有报送事项「no-such-report」") && text.contains("quarterly-lists"),
        "{text}"
    );
    // A quarter's lists asked for with a month: the period's kind is named.
    let month = zlc(
        &sb,
        &[
            "import",
            "ledger",
            file,
            "--unit",
            &dept,
            "--submit",
            "quarterly-lists",
            "--period",
            "2024-09",
        ],
    );
    assert_exit(&month, 1);
    assert!(shown(&month).contains("应为季度"), "{}", shown(&month));
}
