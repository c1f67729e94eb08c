//! Builds the web application (`web/`, Vue + Vite) into `$OUT_DIR/dist` for
//! embedding. Runs `npm ci` when `node_modules` is missing or older than the
//! lock file, then `vite build`. Cargo reruns this only when a file under
//! `web/` that the build reads has changed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

fn mtime(p: &Path) -> Option<SystemTime> {
    std::fs::metadata(p).and_then(|m| m.modified()).ok()
}

fn run(cmd: &mut Command, what: &str) {
    let status = cmd.status().unwrap_or_else(|e| {
        panic!(
            "\n\n构建网页前端需要 npm（Node.js 20 及以上），但无法运行它：{e}\n\
             Building the web front end needs npm (Node.js 20+). Install it (Debian: apt-get install nodejs npm) and build again.\n\n"
        )
    });
    if !status.success() {
        panic!(
            "\n\n网页前端构建失败：{what} 退出码 {status}\nThe web front end failed to build: `{what}` exited with {status}.\n\n"
        );
    }
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let web = manifest.join("../../web");
    let web = web.canonicalize().unwrap_or(web);
    for f in [
        "src",
        "index.html",
        "package.json",
        "package-lock.json",
        "vite.config.ts",
        "tsconfig.json",
        "public",
    ] {
        println!("cargo:rerun-if-changed={}", web.join(f).display());
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("dist");
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };

    let lock = web.join("package-lock.json");
    let installed = web.join("node_modules/.package-lock.json");
    let stale = match (mtime(&installed), mtime(&lock)) {
        (Some(i), Some(l)) => i < l,
        _ => true,
    };
    if stale {
        run(
            Command::new(npm)
                .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
                .current_dir(&web),
            "npm ci",
        );
    }
    run(
        Command::new(npm)
            .args([
                "exec",
                "--",
                "vite",
                "build",
                "--logLevel",
                "warn",
                "--emptyOutDir",
                "--outDir",
            ])
            .arg(&out)
            .current_dir(&web),
        "vite build",
    );
}
