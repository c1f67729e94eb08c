//! `zlc`: the one binary — web application, API and command line.

mod config;
mod demo;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use zlc_domain::policy::{Policy, preset, presets};
use zlc_store::crypto::FieldCipher;
use zlc_store::{Actor, Options, Store};

#[derive(Parser)]
#[command(
    name = "zlc",
    version,
    about = "领导干部走流程、坐窗口、跟执法、处投诉 活动管理系统"
)]
struct Cli {
    /// Database: sqlite:PATH (default DATA_DIR/zlc.db) or postgres://USER:PASS@HOST/DB
    #[arg(long, env = "ZLC_DATABASE_URL", global = true)]
    database_url: Option<String>,
    /// Directory for the embedded database, the data key and uploads (default ./data)
    #[arg(long, env = "ZLC_DATA_DIR", global = true)]
    data_dir: Option<PathBuf>,
    /// Configuration file (TOML)
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run the web application and API
    Serve {
        /// Address to listen on (default 127.0.0.1:8080)
        #[arg(long, env = "ZLC_LISTEN")]
        listen: Option<String>,
        /// Fill an empty database with the `small` demo data set first
        #[arg(long)]
        demo: bool,
    },
    /// Fill the database with realistic synthetic data
    Demo {
        #[arg(long, default_value = "small")]
        scale: String,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// The active policy (活动规则)
    Policy {
        #[command(subcommand)]
        cmd: PolicyCmd,
    },
    /// The audit trail
    Audit {
        #[command(subcommand)]
        cmd: AuditCmd,
    },
    /// Accounts
    User {
        #[command(subcommand)]
        cmd: UserCmd,
    },
    /// Statistics: monthly (seed 003 四(二)) and quarterly (seed 004)
    Report {
        #[command(subcommand)]
        which: ReportCmd,
    },
    /// Compliance and formalism findings of a period (形式主义与合规发现)
    Check {
        /// 2024, 2024H1, 2024Q1 or 2024-03
        #[arg(long)]
        period: String,
        /// The region's unit name (default: the root unit)
        #[arg(long)]
        region: Option<String>,
        /// text (default) or json
        #[arg(long, default_value = "text")]
        format: String,
    },
    /// Read a filled-in table (xlsx) into the database, all or nothing
    Import {
        /// items | ledger | window-schedule | window-stats | lists | units
        kind: String,
        file: PathBuf,
        /// The unit the table is for (default: the sheet's 填报单位)
        #[arg(long)]
        unit: Option<String>,
        /// Check every row and write nothing
        #[arg(long)]
        dry_run: bool,
        /// Count the table as the unit's submission (报送) of this report of
        /// the policy, e.g. quarterly-lists (needs --unit and --period)
        #[arg(long, requires_all = ["unit", "period"])]
        submit: Option<String>,
        /// The period submitted, of the report's kind: 2024Q3, 2024-09
        #[arg(long, requires = "submit")]
        period: Option<String>,
    },
    /// Write a table in its seed's layout (xlsx)
    Export {
        /// items | ledger | window-schedule | window-stats | lists | units
        kind: String,
        /// 2024, 2024H1, 2024Q1 or 2024-03 (not needed for items and units)
        #[arg(long)]
        period: Option<String>,
        /// The unit whose subtree is written (default: the root unit)
        #[arg(long)]
        unit: Option<String>,
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
    },
    /// 督办: the reminders of a day (提醒, 催办, 督办), one JSON line each, then
    /// their delivery by mail and webhook
    Remind {
        /// The day to run (YYYY-MM-DD, default today)
        #[arg(long)]
        date: Option<String>,
        /// Print what would be sent and write nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Consistent online backup of the embedded database
    Backup {
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
    },
    /// Restore the embedded database from a backup (server stopped)
    Restore { file: PathBuf },
    /// Print the API's OpenAPI document (as served at /api/openapi.json)
    Openapi,
}

#[derive(Subcommand)]
enum ReportCmd {
    /// 月度统计, e.g. --period 2024-03
    Monthly(ReportArgs),
    /// 季度统计, e.g. --period 2024Q1
    Quarterly(ReportArgs),
}

#[derive(clap::Args)]
struct ReportArgs {
    #[arg(long)]
    period: String,
    /// The region's unit name (default: the root unit)
    #[arg(long)]
    region: Option<String>,
    /// json (the statistics), xlsx (the statistics table) or docx (the notice, 通报)
    #[arg(long, default_value = "json")]
    format: String,
    /// Output file; `-` writes to standard output
    #[arg(short = 'o', long = "output", default_value = "-")]
    output: PathBuf,
}

#[derive(Subcommand)]
enum PolicyCmd {
    /// The presets shipped with zlc and the active policy
    List,
    /// Print a policy file: the active one, or a preset's
    Show { preset: Option<String> },
    /// Make a preset, or a policy file (--file), the active policy
    Use {
        preset: Option<String>,
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Check a policy file without activating it
    Check { file: PathBuf },
}

#[derive(Subcommand)]
enum AuditCmd {
    /// Recompute the SM3 hash chain, and check it against the checkpoints
    /// written outside the database; exit 1 if anything is broken
    Verify {
        /// Checkpoint file (default: beside the data directory, as `serve` writes it)
        #[arg(long)]
        checkpoints: Option<PathBuf>,
    },
    /// Append a checkpoint of the chain's head, sealed with the data key, to
    /// the checkpoint file (`serve` does so every 10 minutes)
    Checkpoint {
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum UserCmd {
    /// List accounts
    List,
    /// Create an account with a one-time password
    Add {
        username: String,
        #[arg(long)]
        name: String,
        /// Role codes (sysadmin, secadmin, auditadmin, supervisor, liaison, official, handler, or custom)
        #[arg(long = "role")]
        roles: Vec<String>,
        /// Unit id that scopes the account's data
        #[arg(long)]
        unit: Option<i64>,
    },
    /// Reset an account to a one-time password (also lifts a lockout)
    Reset { username: String },
    /// Recover an administrator (sysadmin, secadmin, auditadmin): a one-time
    /// password, the lockout lifted. Only here, on the server's console: no
    /// administrator can reset another through the API (三员分立).
    ResetAdmin { username: String },
    /// Set (or, without ADDRESS, clear) the address an account's daily
    /// reminder digest (督办邮件) is mailed to
    Email {
        username: String,
        address: Option<String>,
    },
    /// Issue an API token for scripts
    Token {
        username: String,
        #[arg(long, default_value = "script")]
        name: String,
        #[arg(long)]
        days: Option<i64>,
    },
}

struct Ctx {
    file: config::FileConfig,
    resolved: config::Resolved,
}

impl Ctx {
    async fn store(&self) -> Result<Store> {
        let cipher = FieldCipher::from_hex(&config::data_key(&self.resolved.data_dir)?)
            .context("数据密钥无效（ZLC_DATA_KEY 或 zlc.key）")?;
        let mut opts = Options::default();
        if let Some(s) = &self.file.database.sqlite_synchronous {
            opts.sqlite_synchronous = s.clone();
        }
        if let Some(n) = self.file.database.max_connections {
            opts.max_connections = n;
        }
        Store::open(&self.resolved.database_url, cipher, &opts)
            .await
            .with_context(|| format!("无法打开数据库 {}", redact(&self.resolved.database_url)))
    }

    /// The use cases over the database, prepared as on every start (the
    /// administrators created on first start are printed with their passwords).
    async fn app(&self) -> Result<zlc_app::App> {
        let store = self.store().await?;
        let admin_pw = std::env::var("ZLC_ADMIN_PASSWORD")
            .ok()
            .filter(|p| !p.is_empty());
        let (app, created) = zlc_app::setup::prepare(
            store,
            self.file.uploads.clone(),
            &self.file.security.password,
            admin_pw.as_deref(),
        )
        .await?;
        if !created.is_empty() {
            let forced = created.iter().any(|a| a.one_time_password.is_some());
            println!(
                "已创建三员管理账号{}：",
                if forced {
                    "（首次登录须修改初始口令）"
                } else {
                    ""
                }
            );
            for a in &created {
                match &a.one_time_password {
                    Some(p) => println!("  {:<12} 初始口令：{p}", a.username),
                    None => println!("  {:<12} 口令：ZLC_ADMIN_PASSWORD", a.username),
                }
            }
        }
        Ok(app)
    }

    /// What the server runs with: the use cases and the server's own settings.
    async fn state(&self) -> Result<zlc_server::AppState> {
        let app = self.app().await?;
        Ok(zlc_server::AppState {
            app,
            security: std::sync::Arc::new(self.file.security.clone()),
            objects: self.file.objects.open(&self.resolved.data_dir).await?,
        })
    }
}

/// Hides the password of a database URL in messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}://{}:***@{}", &url[..s], user, &url[at + 1..])
        }
        _ => url.to_string(),
    }
}

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    if let Err(e) = zlc_app::clock::check() {
        eprintln!("错误：{e}");
        return std::process::ExitCode::from(2);
    }
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("错误：无法启动运行时：{e}");
            return std::process::ExitCode::from(2);
        }
    };
    match rt.block_on(run(cli)) {
        Ok(code) => std::process::ExitCode::from(code),
        Err(e) => {
            eprintln!("错误：{e:#}");
            std::process::ExitCode::from(1)
        }
    }
}

async fn run(cli: Cli) -> Result<u8> {
    if let Cmd::Openapi = cli.cmd {
        // The document needs no configuration, data directory or database.
        return print_openapi();
    }
    let file = config::FileConfig::load(cli.config.as_deref())?;
    let resolved = config::resolve(cli.database_url, cli.data_dir, &file)?;
    let ctx = Ctx { file, resolved };
    match cli.cmd {
        Cmd::Openapi => print_openapi(),
        Cmd::Serve { listen, demo } => serve(&ctx, listen, demo).await,
        Cmd::Remind { date, dry_run } => remind(&ctx, date.as_deref(), dry_run).await,
        Cmd::Demo { scale, seed } => {
            // Parse first: a bad scale must not create a database.
            let scale = demo::Scale::parse(&scale)?;
            let app = ctx.app().await?;
            demo::generate(&app.store, scale, seed).await?;
            Ok(0)
        }
        Cmd::Policy { cmd } => policy(&ctx, cmd).await,
        Cmd::Audit { cmd } => audit(&ctx, cmd).await,
        Cmd::User { cmd } => user(&ctx, cmd).await,
        Cmd::Report { which } => report(&ctx, which).await,
        Cmd::Check {
            period,
            region,
            format,
        } => check(&ctx, &period, region.as_deref(), &format).await,
        Cmd::Import {
            kind,
            file,
            unit,
            dry_run,
            submit,
            period,
        } => {
            let submit = submit
                .zip(period)
                .map(|(report, period)| zlc_app::exchange::SubmitAs { report, period });
            import(
                &ctx,
                &kind,
                &file,
                unit.as_deref(),
                dry_run,
                submit.as_ref(),
            )
            .await
        }
        Cmd::Export {
            kind,
            period,
            unit,
            output,
        } => export(&ctx, &kind, period.as_deref(), unit.as_deref(), &output).await,
        Cmd::Backup { output } => {
            let store = ctx.store().await?;
            if output.exists() {
                bail!("备份文件 {} 已存在，请换一个文件名", output.display());
            }
            store.backup_sqlite(&output.to_string_lossy()).await?;
            println!("已备份到 {}", output.display());
            Ok(0)
        }
        Cmd::Restore { file } => restore(&ctx, &file).await,
    }
}

/// Where audit checkpoints go unless told: beside the data directory, not
/// in it, so that a copy of the data does not carry its own anchor.
fn checkpoint_file(data_dir: &Path) -> PathBuf {
    let name = data_dir
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "data".into());
    data_dir
        .parent()
        .unwrap_or(Path::new("."))
        .join(format!("{name}-audit-checkpoints.jsonl"))
}

/// Appends a checkpoint of the audit chain's head to `file`, and logs it.
async fn write_checkpoint(store: &Store, file: &Path) -> Result<zlc_store::audit::Checkpoint> {
    use std::io::Write;
    let c = zlc_store::audit::checkpoint(&store.db, &store.cipher).await?;
    let line = serde_json::to_string(&c)?;
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(file)
        .with_context(|| format!("无法写入审计检查点文件 {}", file.display()))?;
    writeln!(f, "{line}")?;
    f.sync_all()?;
    tracing::info!(seq = c.seq, hash = %c.hash, mac = %c.mac, "audit checkpoint");
    Ok(c)
}

async fn audit(ctx: &Ctx, cmd: AuditCmd) -> Result<u8> {
    let store = ctx.store().await?;
    match cmd {
        AuditCmd::Checkpoint { output } => {
            let file = output.unwrap_or_else(|| checkpoint_file(&ctx.resolved.data_dir));
            let c = write_checkpoint(&store, &file).await?;
            println!(
                "已写入审计检查点：第 {} 条，链头 {}（{}）",
                c.seq,
                c.hash,
                file.display()
            );
            Ok(0)
        }
        AuditCmd::Verify { checkpoints } => {
            let v = zlc_store::audit::verify(&store.db, &store.cipher).await?;
            let mut problems = v.problems.clone();
            let file = checkpoints
                .clone()
                .unwrap_or_else(|| checkpoint_file(&ctx.resolved.data_dir));
            let mut anchored = 0;
            match std::fs::read_to_string(&file) {
                Ok(text) => {
                    let (list, bad) = zlc_store::audit::parse_checkpoints(&text);
                    anchored = list.len();
                    problems.extend(bad);
                    problems.extend(
                        zlc_store::audit::verify_checkpoints(&store.db, &store.cipher, &list)
                            .await?,
                    );
                }
                // Asked for by name, the file must be there.
                Err(e) if checkpoints.is_some() => {
                    problems.push(format!("无法读取检查点文件 {}：{e}", file.display()));
                }
                Err(_) => {}
            }
            if problems.is_empty() {
                let chain = if v.keyed_from > 1 {
                    format!("第 {} 条起 HMAC-SM3，此前 SM3", v.keyed_from)
                } else {
                    "HMAC-SM3".to_string()
                };
                println!(
                    "审计日志完整：共 {} 条，哈希链校验通过（{chain}），与 {anchored} 个检查点一致",
                    v.entries
                );
                Ok(0)
            } else {
                println!(
                    "审计日志校验失败：共 {} 条，发现 {} 处问题：",
                    v.entries,
                    problems.len()
                );
                for p in &problems {
                    println!("  - {p}");
                }
                Ok(1)
            }
        }
    }
}

fn print_openapi() -> Result<u8> {
    println!("{}", zlc_server::openapi().to_pretty_json()?);
    Ok(0)
}

async fn serve(ctx: &Ctx, listen: Option<String>, with_demo: bool) -> Result<u8> {
    let state = ctx.state().await?;
    if with_demo {
        if state.store.root_units().await?.is_empty() {
            demo::generate(&state.store, demo::Scale::Small, 1).await?;
        } else {
            println!("数据库中已有数据，跳过演示数据生成。");
        }
        println!(
            "演示账号：demo-supervisor、demo-liaison、demo-liaison2、demo-official、demo-handler，口令：{}",
            demo::demo_password()
        );
    }
    let addr = listen
        .or_else(|| ctx.file.listen.clone())
        .unwrap_or_else(|| "127.0.0.1:8080".into());
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .with_context(|| format!("无法监听 {addr}"))?;
    println!(
        "zlc 已启动：http://{}/ （数据库：{}）",
        listener.local_addr()?,
        redact(&ctx.resolved.database_url)
    );
    // Every 10 minutes: the audit chain's head anchored outside the
    // database, and the sign-in counts of addresses quiet for a day pruned.
    let file = checkpoint_file(&ctx.resolved.data_dir);
    let store = state.store.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            every.tick().await;
            if let Err(e) = write_checkpoint(&store, &file).await {
                tracing::error!(error = %e, "audit checkpoint");
            }
            let day_ago = zlc_store::now_ms() - 24 * 3_600_000;
            if let Err(e) = store.prune_login_turns(day_ago).await {
                tracing::error!(error = %e, "pruning sign-in counts");
            }
        }
    });
    spawn_reminders(&state, ctx.file.channels()?, ctx.file.notify.daily_at());
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    zlc_server::serve(listener, state, shutdown).await?;
    Ok(0)
}

/// 督办 on its own: every 10 minutes (and at `daily_at`), once the time of
/// day has passed on a working day, the day's reminders are run — by
/// whichever server claims the day first; a server started late still runs
/// its day, and a day already run costs one query — then the deliveries
/// still owed are tried again.
fn spawn_reminders(
    state: &zlc_server::AppState,
    channels: zlc_app::duty::Channels,
    daily_at: chrono::NaiveTime,
) {
    let app = state.app.clone();
    let runner = runner_name("serve");
    tokio::spawn(async move {
        loop {
            let now = zlc_app::clock::now();
            let day = now.date();
            if now.time() >= daily_at && app.calendar().is_working_day(day) {
                match zlc_app::duty::run_day(&app, day, &runner, &channels, false, &mut |_| {})
                    .await
                {
                    Ok(run) => {
                        tracing::info!(day = %day, claim = ?run.claim, reminders = run.sent, "daily reminders");
                    }
                    Err(e) => tracing::error!(error = %e, "daily reminders"),
                }
            }
            match zlc_app::duty::deliver(&app, &channels).await {
                Ok(outcomes) if !outcomes.is_empty() => {
                    let failed = outcomes.iter().filter(|o| o.error.is_some()).count();
                    let delivered = outcomes.len() - failed;
                    tracing::info!(delivered, failed, "deliveries");
                }
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "delivering reminders"),
            }
            // Sleep until the next 10 minutes, or until daily_at if sooner.
            let now = zlc_app::clock::now();
            let at = now.date().and_time(daily_at);
            let mut nap = std::time::Duration::from_secs(600);
            if at > now {
                nap = nap.min((at - now).to_std().unwrap_or_default());
            }
            tokio::time::sleep(nap).await;
        }
    });
}

/// Who runs a day's reminders: this host and process, as the claim records.
fn runner_name(what: &str) -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "localhost".into());
    format!("{what}@{host}:{}", std::process::id())
}

async fn remind(ctx: &Ctx, date: Option<&str>, dry_run: bool) -> Result<u8> {
    use zlc_store::duty::DayClaim;
    let day = match date {
        None => zlc_app::clock::today(),
        Some(s) => chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
            anyhow::anyhow!("--date：应为 YYYY-MM-DD，如 2024-10-08，而不是「{s}」")
        })?,
    };
    let channels = ctx.file.channels()?;
    let app = ctx.app().await?;
    // Each reminder printed as it is sent: a national run never holds them all.
    let mut out = std::io::BufWriter::new(std::io::stdout());
    let mut failed: Option<std::io::Error> = None;
    let mut emit = |line: zlc_app::duty::ReminderLine| {
        if failed.is_none()
            && let Err(e) = serde_json::to_writer(&mut out, &line)
                .map_err(std::io::Error::from)
                .and_then(|()| std::io::Write::write_all(&mut out, b"\n"))
        {
            failed = Some(e);
        }
    };
    let run = zlc_app::duty::run_day(
        &app,
        day,
        &runner_name("cli"),
        &channels,
        dry_run,
        &mut emit,
    )
    .await
    .map_err(cli_error)?;
    if let Some(e) = failed {
        return Err(anyhow::anyhow!("无法输出督办记录：{e}"));
    }
    std::io::Write::flush(&mut out)?;
    match run.claim {
        DayClaim::Running => eprintln!("{day} 的督办正由另一进程计算，本次未重复发送"),
        DayClaim::Done => eprintln!("{day} 的督办已计算过，本次未重复发送"),
        DayClaim::Mine if dry_run => {
            eprintln!("试运行：将发送 {} 条督办，未写入任何数据", run.sent)
        }
        DayClaim::Mine => eprintln!("已发送 {} 条督办", run.sent),
    }
    if !dry_run {
        for o in zlc_app::duty::deliver(&app, &channels)
            .await
            .map_err(cli_error)?
        {
            let what = if o.channel == "mail" || o.channel == "notice" {
                "邮件"
            } else {
                "Webhook"
            };
            match &o.error {
                None => eprintln!("{what} {} {}：已送达", o.target, o.day),
                Some(e) => eprintln!(
                    "{what} {} {}：第 {} 次投递失败，将再试：{e}",
                    o.target, o.day, o.attempt
                ),
            }
        }
    }
    Ok(0)
}

async fn policy(ctx: &Ctx, cmd: PolicyCmd) -> Result<u8> {
    match cmd {
        PolicyCmd::List => {
            let store = ctx.store().await?;
            let active = store.active_policy().await?;
            println!("预置方案：");
            for p in presets() {
                let mark = if active.as_ref().is_some_and(|a| a.code == p.code) {
                    "*"
                } else {
                    " "
                };
                println!(" {mark} {:<22} {}", p.code, p.name);
            }
            match active {
                Some(a) => println!("当前生效：{}（{}，版本 {}）", a.code, a.name, a.id),
                None => println!(
                    "当前生效：无（首次启动时将启用 {}）",
                    zlc_app::setup::DEFAULT_PRESET
                ),
            }
            Ok(0)
        }
        PolicyCmd::Show { preset: Some(code) } => {
            let p = find_preset(&code)?;
            print!("{}", p.source);
            Ok(0)
        }
        PolicyCmd::Show { preset: None } => {
            let store = ctx.store().await?;
            match store.active_policy().await? {
                Some(a) => print!("{}", a.source),
                None => print!("{}", find_preset(zlc_app::setup::DEFAULT_PRESET)?.source),
            }
            Ok(0)
        }
        PolicyCmd::Use { preset, file } => {
            let source = match (preset, file) {
                (Some(code), None) => find_preset(&code)?.source.to_string(),
                (None, Some(f)) => std::fs::read_to_string(&f)
                    .with_context(|| format!("无法读取 {}", f.display()))?,
                _ => bail!("请给出一个预置方案编码，或用 --file 指定规则文件"),
            };
            let policy = Policy::from_toml(&source).map_err(|e| anyhow::anyhow!("{e}"))?;
            let store = ctx.app().await?.store;
            let v = store
                .activate_policy(
                    &Actor::system("cli"),
                    &policy.meta.code,
                    &policy.meta.name,
                    &source,
                )
                .await?;
            println!(
                "已启用活动规则：{}（{}，版本 {}）。运行中的服务需重启后生效。",
                v.code, v.name, v.id
            );
            Ok(0)
        }
        PolicyCmd::Check { file } => {
            let source = std::fs::read_to_string(&file)
                .with_context(|| format!("无法读取 {}", file.display()))?;
            match Policy::from_toml(&source) {
                Ok(p) => {
                    println!("{}：规则文件有效（{}）", file.display(), p.meta.name);
                    Ok(0)
                }
                Err(e) => {
                    println!("{}：{e}", file.display());
                    Ok(1)
                }
            }
        }
    }
}

/// The region a report or check is about: the unit named, else the root.
async fn region_named(
    store: &zlc_store::Store,
    name: Option<&str>,
) -> Result<zlc_store::registry::Unit> {
    Ok(match name {
        Some(name) => find_unit(store, name).await?,
        None => store
            .root_units()
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| anyhow::anyhow!("数据库中还没有单位"))?,
    })
}

/// `zlc check`: the findings of a period, each with its unit, reason, the
/// records behind it and the supervisor's review, as text or JSON.
async fn check(ctx: &Ctx, period: &str, region: Option<&str>, format: &str) -> Result<u8> {
    use zlc_domain::kinds::FindingKind;
    use zlc_domain::period::Period;
    if !["text", "json"].contains(&format) {
        bail!("--format 应为 text 或 json，而不是「{format}」");
    }
    let period = Period::parse(period).map_err(|e| anyhow::anyhow!("--period：{e}"))?;
    let app = ctx.app().await?;
    let region = region_named(&app.store, region).await?;
    let today = zlc_app::clock::today();
    let found = zlc_app::reports::findings(&app.store, &app.policy(), &region, period, today)
        .await
        .map_err(|e| cli_error(e.into()))?;
    if format == "json" {
        println!("{}", serde_json::to_string_pretty(&found)?);
        return Ok(0);
    }
    if found.is_empty() {
        println!(
            "{}{}：未发现形式主义和合规问题",
            region.name,
            period.label_zh()
        );
    }
    for f in &found {
        let kind = FindingKind::parse(&f.kind).map_or(f.kind.as_str(), |k| k.label_zh());
        let review = match &f.review {
            Some(r) if r.decision == "dismissed" => format!("（已排除：{}）", r.reason),
            Some(_) => "（已确认）".to_string(),
            None => String::new(),
        };
        println!("【{kind}】{}：{}{review}", f.unit, f.detail);
        println!("    依据：{}", f.reason);
        for r in &f.records {
            println!("    - {}", r.text);
        }
        if f.record_count > f.records.len() as i64 {
            println!("    …… 共 {} 条", f.record_count);
        }
    }
    Ok(0)
}

async fn report(ctx: &Ctx, which: ReportCmd) -> Result<u8> {
    use zlc_domain::period::PeriodKind;
    let (args, kind) = match which {
        ReportCmd::Monthly(a) => (a, PeriodKind::Month),
        ReportCmd::Quarterly(a) => (a, PeriodKind::Quarter),
    };
    let period = zlc_app::reports::period_of_kind(&args.period, kind).map_err(cli_error)?;
    if !["json", "xlsx", "docx"].contains(&args.format.as_str()) {
        bail!(
            "--format 应为 json、xlsx 或 docx，而不是「{}」",
            args.format
        );
    }
    if args.format != "json" && args.output.as_os_str() == "-" {
        bail!("--format {} 须用 -o 指定输出文件", args.format);
    }
    let app = ctx.app().await?;
    let region = region_named(&app.store, args.region.as_deref()).await?;
    let today = zlc_app::clock::today();
    if args.format != "json" {
        let bytes = if args.format == "xlsx" {
            zlc_app::reports::statistics_xlsx(&app, &region, period, today)
                .await
                .map_err(cli_error)?
                .0
        } else {
            zlc_app::reports::notice(&app, &region, period, today, None, None)
                .await
                .map_err(cli_error)?
                .0
        };
        std::fs::write(&args.output, bytes)
            .with_context(|| format!("无法写入 {}", args.output.display()))?;
        eprintln!("已写入 {}", args.output.display());
        return Ok(0);
    }
    let r = zlc_app::reports::build(&app.store, &app.policy(), &region, period, today)
        .await
        .map_err(|e| cli_error(e.into()))?;
    let json = serde_json::to_string_pretty(&r)?;
    if args.output.as_os_str() == "-" {
        println!("{json}");
    } else {
        std::fs::write(&args.output, json + "\n")
            .with_context(|| format!("无法写入 {}", args.output.display()))?;
        eprintln!("已写入 {}", args.output.display());
    }
    Ok(0)
}

fn sheet_kind(raw: &str) -> Result<zlc_domain::sheets::SheetKind> {
    use zlc_domain::sheets::SheetKind;
    SheetKind::parse(raw).ok_or_else(|| {
        let codes: Vec<&str> = SheetKind::ALL.iter().map(|k| k.code()).collect();
        anyhow::anyhow!("未知的表格类型「{raw}」，可选：{}", codes.join("、"))
    })
}

async fn import(
    ctx: &Ctx,
    kind: &str,
    file: &std::path::Path,
    unit: Option<&str>,
    dry_run: bool,
    submit: Option<&zlc_app::exchange::SubmitAs>,
) -> Result<u8> {
    let kind = sheet_kind(kind)?;
    let bytes = std::fs::read(file).with_context(|| format!("无法读取 {}", file.display()))?;
    let app = ctx.app().await?;
    let unit = match unit {
        Some(name) if kind.needs_unit() => Some(find_unit(&app.store, name).await?.id),
        _ => None,
    };
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let today = zlc_app::clock::today();
    let actor = Actor::system("cli import");
    match zlc_app::exchange::import_bytes(
        &app,
        &actor,
        &zlc_store::Scope::all(),
        kind,
        bytes,
        &name,
        unit,
        dry_run,
        today,
        submit,
    )
    .await
    {
        Ok(s) => {
            let verb = if s.dry_run {
                "检查通过（未写入）"
            } else {
                "导入完成"
            };
            println!(
                "{verb}：{} 共 {} 行，其中 {} 行此前已导入、未改动。",
                name, s.rows, s.unchanged
            );
            let parts = [
                ("活动", s.activities),
                ("更新活动", s.activities_updated),
                ("问题", s.problems),
                ("更新问题", s.problems_updated),
                ("需求", s.needs),
                ("措施", s.measures),
                ("计划", s.plans),
                ("事项", s.items),
                ("更新事项", s.items_updated),
                ("单位", s.units),
                ("更新单位", s.units_updated),
                ("新增人员", s.officials_added),
                ("新增事项", s.items_added),
            ];
            let written: Vec<String> = parts
                .iter()
                .filter(|(_, n)| *n > 0)
                .map(|(what, n)| format!("{what} {n}"))
                .collect();
            if !written.is_empty() {
                println!(
                    "{}：{}",
                    if s.dry_run { "将写入" } else { "写入" },
                    written.join("，")
                );
            }
            if s.sections_added > 0 {
                println!(
                    "{}科室 {}：{}",
                    if s.dry_run { "将新增" } else { "新增" },
                    s.sections_added,
                    s.sections_added_names.join("、")
                );
            }
            if let Some(sub) = submit.filter(|_| s.submitted) {
                println!(
                    "{}：{} {}",
                    if s.dry_run {
                        "材料完整，可作为报送"
                    } else {
                        "已作为该单位的报送"
                    },
                    sub.report,
                    sub.period
                );
            }
            Ok(0)
        }
        Err(zlc_app::AppError::Rows(rows)) => {
            eprintln!("导入失败：共 {} 处错误，未写入任何数据。", rows.len());
            for line in zlc_app::exchange::error_lines(&rows) {
                eprintln!("{line}");
            }
            Ok(1)
        }
        Err(e) => Err(cli_error(e)),
    }
}

/// A use case's error as the command line says it: a field of the request
/// by its flag (`--period：…`), a fault with its whole chain of causes.
fn cli_error(e: zlc_app::AppError) -> anyhow::Error {
    use zlc_app::AppError;
    const FLAGS: [&str; 3] = ["period", "unit", "format"];
    match e {
        AppError::Invalid(errs) => {
            let parts: Vec<String> = errs
                .0
                .iter()
                .map(|f| {
                    if FLAGS.contains(&f.field.as_str()) {
                        format!("--{}：{}", f.field, f.message)
                    } else {
                        f.to_string()
                    }
                })
                .collect();
            anyhow::anyhow!("{}", parts.join("；"))
        }
        other => anyhow::anyhow!("{}", other.chain()),
    }
}

async fn export(
    ctx: &Ctx,
    kind: &str,
    period: Option<&str>,
    unit: Option<&str>,
    output: &std::path::Path,
) -> Result<u8> {
    let kind = sheet_kind(kind)?;
    let period = period
        .map(|p| zlc_domain::period::Period::parse(p).map_err(|e| anyhow::anyhow!("--period：{e}")))
        .transpose()?;
    let app = ctx.app().await?;
    let unit = region_named(&app.store, unit).await?;
    let req = zlc_app::exchange::ExportRequest {
        kind,
        unit: &unit,
        period,
        phones: true,
        filled_by: String::new(),
        today: zlc_app::clock::today(),
    };
    let n = zlc_app::exchange::export_to_file(&app, &zlc_store::Scope::all(), &req, output)
        .await
        .map_err(cli_error)?;
    eprintln!("已写入 {}（{n} 行）", output.display());
    Ok(0)
}

/// A unit by its exact name; otherwise the error lists the closest names.
async fn find_unit(store: &Store, name: &str) -> Result<zlc_store::registry::Unit> {
    let mut found = store.unit_by_name(name.trim()).await?;
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => {
            let near = store
                .similar_unit_names(&zlc_store::Scope::all(), name.trim(), 5)
                .await?;
            if near.is_empty() {
                bail!("没有名为「{name}」的单位");
            }
            bail!("没有名为「{name}」的单位，是否是：{}", near.join("、"))
        }
        _ => {
            let paths: Vec<String> = found
                .iter()
                .map(|u| format!("{}（id {}）", u.name, u.id))
                .collect();
            bail!(
                "有 {} 个名为「{name}」的单位，请改用更具体的名称：{}",
                found.len(),
                paths.join("、")
            )
        }
    }
}

fn find_preset(code: &str) -> Result<&'static zlc_domain::policy::Preset> {
    preset(code).ok_or_else(|| {
        let names: Vec<&str> = presets().iter().map(|p| p.code).collect();
        anyhow::anyhow!("没有预置方案「{code}」，可选：{}", names.join("、"))
    })
}

/// Resets an account to a one-time password from the console (audited as
/// the console's). `admin`: `reset-admin`, which recovers administrators only.
async fn reset_account(store: &Store, actor: &Actor, username: &str, admin: bool) -> Result<u8> {
    let u = store
        .user_by_name(username)
        .await?
        .ok_or_else(|| anyhow::anyhow!("账号「{username}」不存在"))?;
    let (_, perms) = store.user_roles(u.id).await?;
    if admin && !zlc_domain::auth::is_administrator(&perms) {
        anyhow::bail!("账号「{username}」不是管理员账号，请用 zlc user reset");
    }
    let password = zlc_app::accounts::reset_password(store, actor, u.id)
        .await
        .map_err(cli_error)?;
    println!(
        "账号 {} 的口令已重置为：{password}（首次登录须修改）",
        u.username
    );
    Ok(0)
}

async fn user(ctx: &Ctx, cmd: UserCmd) -> Result<u8> {
    let store = ctx.app().await?.store;
    let actor = Actor::system("cli");
    match cmd {
        UserCmd::List => {
            let mut cursor: Option<String> = None;
            loop {
                let page = store
                    .list_users(
                        None,
                        &zlc_store::PageRequest::new(cursor.as_deref(), Some(200))?,
                    )
                    .await?;
                for u in &page.items {
                    let (roles, _) = store.user_roles(u.id).await?;
                    println!(
                        "{:<6} {:<20} {:<12} {}{}",
                        u.id,
                        u.username,
                        u.display_name,
                        roles.join(","),
                        if u.disabled { " (停用)" } else { "" }
                    );
                }
                match page.next_cursor {
                    Some(c) => cursor = Some(c),
                    None => break,
                }
            }
            Ok(0)
        }
        UserCmd::Add {
            username,
            name,
            roles,
            unit,
        } => {
            let account = zlc_app::accounts::NewAccount {
                username,
                display_name: name,
                unit_id: unit,
                roles,
            };
            let (u, password) = zlc_app::accounts::create_account(&store, &actor, account)
                .await
                .map_err(cli_error)?;
            println!(
                "已创建账号 {}（id {}），初始口令：{password}（首次登录须修改）",
                u.username, u.id
            );
            Ok(0)
        }
        UserCmd::Reset { username } => reset_account(&store, &actor, &username, false).await,
        UserCmd::ResetAdmin { username } => reset_account(&store, &actor, &username, true).await,
        UserCmd::Email { username, address } => {
            let u = store
                .user_by_name(&username)
                .await?
                .ok_or_else(|| anyhow::anyhow!("账号「{username}」不存在"))?;
            let address = address
                .map(|a| a.trim().to_string())
                .filter(|a| !a.is_empty());
            if let Some(a) = &address {
                zlc_app::duty::check_email(a).map_err(cli_error)?;
            }
            store.set_email(&actor, u.id, address.as_deref()).await?;
            match address {
                Some(a) => println!("{username} 的督办邮件将发往 {a}"),
                None => println!("{username} 不再接收督办邮件"),
            }
            Ok(0)
        }
        UserCmd::Token {
            username,
            name,
            days,
        } => {
            let u = store
                .user_by_name(&username)
                .await?
                .ok_or_else(|| anyhow::anyhow!("账号「{username}」不存在"))?;
            let secret = format!("zlc_{}", zlc_store::crypto::random_token()?);
            let expires = days.map(|d| zlc_store::now_ms() + d * 86_400_000);
            let t = store
                .create_token(
                    &actor,
                    u.id,
                    &name,
                    &zlc_store::crypto::sm3_hex(secret.as_bytes()),
                    expires,
                )
                .await?;
            println!("令牌 {}（id {}）：{secret}", t.name, t.id);
            println!("用法：Authorization: Bearer {secret}（仅显示这一次）");
            Ok(0)
        }
    }
}

async fn restore(ctx: &Ctx, file: &std::path::Path) -> Result<u8> {
    if !ctx.resolved.database_url.starts_with("sqlite:") {
        bail!("PostgreSQL 请使用 pg_restore 恢复");
    }
    if !file.is_file() {
        bail!("备份文件 {} 不存在", file.display());
    }
    let target = ctx
        .resolved
        .database_url
        .trim_start_matches("sqlite:")
        .trim_start_matches("//")
        .to_string();
    let tmp = format!("{target}.restore");
    // Work on a copy: opening migrates it, and the user's backup file stays as it was.
    std::fs::copy(file, &tmp).with_context(|| format!("无法复制到 {tmp}"))?;
    let v = match check_backup(ctx, &tmp).await {
        Ok(v) => v,
        Err(e) => {
            for ext in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{tmp}{ext}"));
            }
            return Err(e.context(format!("{} 不能用于恢复", file.display())));
        }
    };
    for ext in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{target}{ext}"));
    }
    std::fs::rename(&tmp, &target).with_context(|| format!("无法替换 {target}"))?;
    println!(
        "已从 {} 恢复（审计日志 {} 条，校验通过）。",
        file.display(),
        v.entries
    );
    Ok(0)
}

/// A backup must open as a zlc database sealed with this installation's data
/// key, and its audit trail must be intact.
async fn check_backup(ctx: &Ctx, path: &str) -> Result<zlc_store::audit::Verification> {
    let key = config::data_key(&ctx.resolved.data_dir)?;
    let probe = Store::open(
        &format!("sqlite:{path}"),
        FieldCipher::from_hex(&key)?,
        &Options::default(),
    )
    .await
    .context("不是有效的 zlc 备份")?;
    let result = async {
        // The key first: the audit chain is keyed with it too, and a
        // backup of another installation should be named as such.
        zlc_app::setup::check_data_key(&probe).await?;
        let v = zlc_store::audit::verify(&probe.db, &probe.cipher).await?;
        if !v.ok {
            bail!("备份中的审计日志校验失败：{}", v.problems.join("；"));
        }
        Ok(v)
    }
    .await;
    probe.close().await;
    for ext in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{path}{ext}"));
    }
    result
}
