//! The fuzz corpora of the calendar TSV, the policy and the period parsers
//! (fuzz/corpus/{csv_import,policy_parse,period_parse}), replayed on stable
//! through the fuzz targets' own harness (fuzz/src/domain.rs, compiled in
//! here): no input may panic or break a property the harness checks (a
//! calendar or policy that reads writes back to the same, errors name a
//! line and say why, a period is its own text). The fuzzer itself:
//! scripts/fuzz.sh.

#[path = "../../../fuzz/src/domain.rs"]
mod domain;

use std::path::PathBuf;

fn corpus(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("corpus entry").path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let data = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (name, data)
        })
        .collect()
}

/// Runs every file of a corpus; the names of those that panicked, and of
/// those `ok` says should read (or not) that did not (or did).
fn replay<T>(
    target: &str,
    run: fn(&[u8]) -> Option<T>,
    ok: fn(&str) -> Option<bool>,
) -> Vec<String> {
    let files = corpus(target);
    assert!(files.len() >= 3, "{target}: the corpus is there");
    let mut failures = Vec::new();
    for (name, data) in &files {
        match std::panic::catch_unwind(|| run(data)) {
            Err(_) => failures.push(format!("{target}/{name}: panicked")),
            Ok(read) => {
                if let Some(want) = ok(name)
                    && want != read.is_some()
                {
                    failures.push(format!(
                        "{target}/{name}: should {}read",
                        if want { "" } else { "not " }
                    ));
                }
            }
        }
    }
    failures
}

#[test]
fn csv_import_corpus_replays() {
    let failures = replay("csv_import", domain::csv_import, |name| match name {
        "cn-holidays.tsv" | "header-only.tsv" | "no-header-crlf.tsv" => Some(true),
        "bad-header.tsv" | "workday-on-weekday.tsv" | "duplicate.tsv" | "edges.tsv" => Some(false),
        // Found by the fuzzer: `+21024-1-1` read, and its calendar wrote
        // `+21024-01-01`, which does not (the dates must be as written).
        "crash-date-not-as-written.tsv" => Some(false),
        _ => None,
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_shipped_calendar_is_in_the_corpus_whole() {
    let files = corpus("csv_import");
    let (_, data) = files
        .iter()
        .find(|(n, _)| n == "cn-holidays.tsv")
        .expect("cn-holidays.tsv");
    let cal = domain::csv_import(data).expect("reads");
    assert_eq!(&cal, zlc_domain::calendar::WorkCalendar::builtin());
}

#[test]
fn policy_parse_corpus_replays() {
    let failures = replay("policy_parse", domain::policy_parse, |name| {
        // The presets (policies/NNN-*.toml) read; the broken seeds do not.
        match name.as_bytes().first() {
            Some(b'0'..=b'9') => Some(true),
            _ if ["syntax-error.toml", "unknown-key.toml", "empty.toml"].contains(&name) => {
                Some(false)
            }
            _ => None,
        }
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn period_parse_corpus_replays() {
    let failures = replay("period_parse", domain::period_parse, |name| match name {
        "2024" | "2024H1" | "2024Q4" | "2024-03" | "1000" | "9999-12" => Some(true),
        "2024-13" | "2024q1" | "２０２４" => Some(false),
        _ => None,
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
