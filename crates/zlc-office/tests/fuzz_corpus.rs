//! The fuzz corpus of the xlsx importer (fuzz/corpus/xlsx_import), replayed
//! on stable through the fuzz target's own harness (fuzz/src/office.rs,
//! compiled in here), so that every `cargo nextest run` runs the inputs the
//! fuzzer keeps: none may panic or break a promise of the harness, and the
//! bombs must be refused by the limit they are built to hit.
//! The fuzzer itself: scripts/fuzz.sh.

#[allow(dead_code)]
#[path = "../../../fuzz/src/office.rs"]
mod office;

use office::Outcome;
use std::path::PathBuf;
use zlc_office::OfficeError;

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

/// What an input named so must come to; `None` when it did.
fn unmet(name: &str, outcome: Option<&Outcome>) -> Option<String> {
    let refused = |limit: &str| match outcome {
        Some(Outcome::Refused(OfficeError::TooLarge(m))) if m.contains(limit) => None,
        other => Some(format!("should be refused with 「{limit}」, got {other:?}")),
    };
    let too_large_reading = |limit: &str| match outcome {
        Some(Outcome::Read(Err(OfficeError::TooLarge(m)))) if m.contains(limit) => None,
        other => Some(format!("should stop with 「{limit}」, got {other:?}")),
    };
    let read = || match outcome {
        Some(Outcome::Read(Ok(p))) if p.rows() > 0 && p.errors.is_empty() => None,
        other => Some(format!(
            "should read with rows and no row errors, got {other:?}"
        )),
    };
    match name {
        "bomb-strings.xlsx" => refused("共享字符串"),
        "bomb-total.xlsx" => refused("文件解压后超过上限"),
        "bomb-parts.xlsx" => refused("个部件"),
        "limit-rows.xlsx" => too_large_reading("行的上限"),
        "limit-cell.txt" => too_large_reading("个字符"),
        "export-units-as-ledger.xlsx" => match outcome {
            Some(Outcome::Read(Err(OfficeError::NoTable { .. }))) => None,
            other => Some(format!("should hold no ledger, got {other:?}")),
        },
        "not-a-zip" | "truncated.xlsx" => match outcome {
            Some(Outcome::Refused(OfficeError::NotXlsx(_))) => None,
            other => Some(format!("should be refused as no xlsx, got {other:?}")),
        },
        n if n.starts_with("sst-") => match outcome {
            Some(Outcome::Refused(OfficeError::NotXlsx(m))) if m.contains("共享字符串") => {
                None
            }
            other => Some(format!(
                "should be refused for its shared-strings count, got {other:?}"
            )),
        },
        n if n.starts_with("export-") || n.starts_with("parts-") => read(),
        // Inputs the fuzzer found: that they run is the test.
        _ => None,
    }
}

#[test]
fn xlsx_import_corpus_replays_within_the_limits() {
    let files = corpus("xlsx_import");
    assert!(
        files.len() >= 20,
        "the corpus is there: {} files",
        files.len()
    );
    let mut failures = Vec::new();
    for (name, data) in &files {
        match std::panic::catch_unwind(|| office::xlsx_import(data)) {
            Err(_) => failures.push(format!("{name}: panicked")),
            Ok(outcome) => {
                if let Some(why) = unmet(name, outcome.as_ref()) {
                    failures.push(format!("{name}: {why}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_limit_has_a_bomb_in_the_corpus() {
    let names: Vec<String> = corpus("xlsx_import").into_iter().map(|f| f.0).collect();
    for name in [
        "bomb-strings.xlsx",
        "bomb-total.xlsx",
        "bomb-parts.xlsx",
        "limit-rows.xlsx",
        "limit-cell.txt",
        "sst-unique-count.txt",
    ] {
        assert!(names.iter().any(|n| n == name), "{name} is missing");
    }
}

#[test]
fn the_first_byte_picks_the_limits() {
    // The bombs are built against office::SMALL, a tighter configuration of
    // the same limits (a bomb past the defaults would not be a small file).
    let d = zlc_office::read::Limits::default();
    let s = office::SMALL;
    assert!(s.unzipped_bytes < d.unzipped_bytes && s.strings_bytes < d.strings_bytes);
    assert!(s.parts < d.parts && s.rows < d.rows && s.cell_chars <= d.cell_chars);
    assert_eq!(office::pick(0x80 + 4).1, s);
    assert_eq!(office::pick(b'0').1, d);
}
