//! The xlsx importer as a server runs it on an upload: the package is
//! checked against the import limits ([`check_package`]), then read
//! ([`read`] with the default limits, [`read_limited`] with others).
//!
//! Shared by the fuzz target `xlsx_import` and the stable replay test
//! crates/zlc-office/tests/fuzz_corpus.rs (included there by path), so both
//! run exactly this code.
//!
//! # Input
//! The first byte picks the table kind (`SheetKind::ALL[b % 6]`, so `0`..`5`
//! are items, ledger, window-schedule, window-stats, lists, units) and the
//! limits: below 0x80 the defaults ([`Limits::default`], what a server uses
//! unless configured otherwise), from 0x80 on [`SMALL`], the same shape
//! scaled down so that a bomb is refused after a few MB rather than a GB.
//!
//! The rest is either an xlsx file as uploaded (a zip), or, when it starts
//! with `==> `, the parts of a package as text, which the harness zips
//! (stored, with correct checksums) so that the fuzzer can mutate the XML
//! itself rather than compressed bytes:
//!
//! ```text
//! 0==> xl/worksheets/sheet1.xml
//! <worksheet>…</worksheet>
//! ==> xl/sharedStrings.xml
//! <sst>…</sst>
//! ```
//!
//! Parts not given take a minimal workbook's ([`SKELETON`]: one sheet at
//! `xl/worksheets/sheet1.xml`).

use std::io::{Cursor, Write};
use zlc_domain::sheets::SheetKind;
use zlc_office::OfficeError;
use zlc_office::read::{Limits, Parsed, check_package, read, read_limited};

/// A small server's limits, picked by a first byte of 0x80 or more.
pub const SMALL: Limits = Limits {
    unzipped_bytes: 4 * 1024 * 1024,
    strings_bytes: 1024 * 1024,
    parts: 64,
    rows: 1000,
    cell_chars: 1000,
};

/// What the importer made of an input.
#[derive(Debug)]
pub enum Outcome {
    /// Refused before reading: not a zip, or beyond the limits.
    Refused(OfficeError),
    /// Read: its tables and row errors, or why the file holds no table.
    Read(Result<Parsed, OfficeError>),
}

impl Outcome {
    /// The error the file was refused or failed with, if any.
    pub fn error(&self) -> Option<&OfficeError> {
        match self {
            Outcome::Refused(e) | Outcome::Read(Err(e)) => Some(e),
            Outcome::Read(Ok(_)) => None,
        }
    }
}

/// The marker of an input given as parts.
pub const PARTS: &[u8] = b"==> ";

/// The parts of a minimal workbook with one sheet.
pub const SKELETON: &[(&str, &str)] = &[
    (
        "[Content_Types].xml",
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#,
    ),
    (
        "_rels/.rels",
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    ),
    (
        "xl/workbook.xml",
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
    ),
    (
        "xl/_rels/workbook.xml.rels",
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#,
    ),
];

/// Zips the parts of an input given as text (after [`PARTS`]); `None` when
/// the zip writer will not take them (a name it refuses).
pub fn package(text: &[u8]) -> Option<Vec<u8>> {
    let mut parts: Vec<(String, &[u8])> = SKELETON
        .iter()
        .map(|(n, c)| ((*n).to_string(), c.as_bytes()))
        .collect();
    let body = text.strip_prefix(PARTS).unwrap_or(text);
    for piece in split(body, b"\n==> ") {
        let (name, content) = match piece.iter().position(|&b| b == b'\n') {
            Some(i) => (&piece[..i], &piece[i + 1..]),
            None => (piece, &[][..]),
        };
        let name = String::from_utf8_lossy(name).trim().to_string();
        match parts.iter_mut().find(|(n, _)| *n == name) {
            Some(p) => p.1 = content,
            None => parts.push((name, content)),
        }
    }
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, content) in &parts {
        zip.start_file(name.as_str(), options).ok()?;
        zip.write_all(content).ok()?;
    }
    Some(zip.finish().ok()?.into_inner())
}

fn split<'a>(mut s: &'a [u8], sep: &[u8]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    while let Some(i) = s.windows(sep.len()).position(|w| w == sep) {
        out.push(&s[..i]);
        s = &s[i + sep.len()..];
    }
    out.push(s);
    out
}

/// The kind and limits a first byte picks.
pub fn pick(first: u8) -> (SheetKind, Limits) {
    let kind = SheetKind::ALL[usize::from(first) % SheetKind::ALL.len()];
    let limits = if first >= 0x80 {
        SMALL
    } else {
        Limits::default()
    };
    (kind, limits)
}

/// Runs one input through the importer; panics (the fuzzer's crash) when
/// the importer panics or breaks one of its promises. `None` for an input
/// too short to say anything, or parts the zip writer refuses.
pub fn xlsx_import(data: &[u8]) -> Option<Outcome> {
    let (&first, rest) = data.split_first()?;
    let (kind, limits) = pick(first);
    let bytes = if rest.starts_with(PARTS) {
        package(rest)?
    } else {
        rest.to_vec()
    };
    if let Err(e) = check_package(&bytes, &limits) {
        assert!(
            matches!(e, OfficeError::NotXlsx(_) | OfficeError::TooLarge(_)),
            "check_package failed with {e:?}"
        );
        assert!(!e.to_string().is_empty());
        return Some(Outcome::Refused(e));
    }
    let read = if limits == Limits::default() {
        read(Cursor::new(&bytes), kind)
    } else {
        let mut parsed = Parsed::new(kind);
        read_limited(Cursor::new(&bytes), kind, &mut parsed, &limits).map(|tables| {
            assert_eq!(tables, parsed.sheets.len(), "tables counted and handed on");
            parsed
        })
    };
    match &read {
        Ok(parsed) => {
            assert_eq!(parsed.kind, kind);
            assert!(!parsed.sheets.is_empty(), "a file read has a table");
            // Every entry is a row with content, and those are limited.
            assert!(parsed.rows() as u64 <= limits.rows);
            for e in &parsed.errors {
                assert!(e.row >= 1, "row errors name a row: {e:?}");
                assert!(!e.reason.is_empty(), "row errors say why: {e:?}");
            }
        }
        Err(e) => {
            assert!(
                !matches!(e, OfficeError::Write(_) | OfficeError::Stopped(_)),
                "read failed with {e:?}"
            );
            assert!(!e.to_string().is_empty());
        }
    }
    Some(Outcome::Read(read))
}
