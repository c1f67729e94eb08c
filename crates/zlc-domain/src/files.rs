//! 附件类型 what an uploaded file really is, judged by its bytes (magic
//! numbers), never by the name or the type the client claims.

use crate::registry::vocab;
// The vocab! macro names these traits unqualified.
use serde::{Deserialize, Deserializer, Serialize, Serializer};

vocab!(
    /// 附件所属 the record an attachment belongs to
    AttachmentOwner {
        Activity = "activity", "活动";
        Problem = "problem", "问题";
        Measure = "measure", "措施";
    }
);

/// The kinds of file accepted as attachments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Jpeg,
    Png,
    Gif,
    Webp,
    Heic,
    Pdf,
    /// Word or Excel 2007+ (a zip container; told apart by the name).
    Docx,
    Xlsx,
    /// Word or Excel 97–2003 (an OLE container).
    Doc,
    Xls,
}

impl FileKind {
    pub fn mime(self) -> &'static str {
        match self {
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
            FileKind::Gif => "image/gif",
            FileKind::Webp => "image/webp",
            FileKind::Heic => "image/heic",
            FileKind::Pdf => "application/pdf",
            FileKind::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileKind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileKind::Doc => "application/msword",
            FileKind::Xls => "application/vnd.ms-excel",
        }
    }

    pub fn is_image(self) -> bool {
        matches!(
            self,
            FileKind::Jpeg | FileKind::Png | FileKind::Gif | FileKind::Webp | FileKind::Heic
        )
    }
}

/// The accepted kinds, for messages.
pub const ACCEPTED_ZH: &str =
    "JPG、PNG、GIF、WebP、HEIC 图片，PDF，Word（doc/docx），Excel（xls/xlsx）";

/// Judges the bytes. Zip and OLE containers hold Word or Excel; the name's
/// extension says which, and a container with any other name is refused.
pub fn sniff(bytes: &[u8], name: &str) -> Option<FileKind> {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let starts = |m: &[u8]| bytes.starts_with(m);
    if starts(&[0xFF, 0xD8, 0xFF]) {
        Some(FileKind::Jpeg)
    } else if starts(b"\x89PNG\r\n\x1a\n") {
        Some(FileKind::Png)
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        Some(FileKind::Gif)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(FileKind::Webp)
    } else if bytes.len() >= 12
        && &bytes[4..8] == b"ftyp"
        && matches!(&bytes[8..12], b"heic" | b"heix" | b"mif1" | b"msf1")
    {
        Some(FileKind::Heic)
    } else if starts(b"%PDF-") {
        Some(FileKind::Pdf)
    } else if starts(b"PK\x03\x04") {
        match ext.as_str() {
            "docx" => Some(FileKind::Docx),
            "xlsx" => Some(FileKind::Xlsx),
            _ => None,
        }
    } else if starts(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        match ext.as_str() {
            "doc" => Some(FileKind::Doc),
            "xls" => Some(FileKind::Xls),
            _ => None,
        }
    } else {
        None
    }
}

/// A file name safe to keep and to send back: no path, no control characters,
/// at most 100 characters; empty becomes `附件`.
pub fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| {
            !c.is_control()
                && !crate::error::is_bidi_control(*c)
                && !matches!(c, '"' | '<' | '>' | '|' | '*' | '?' | ':')
        })
        .take(100)
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.').to_string();
    if trimmed.is_empty() {
        "附件".into()
    } else {
        trimmed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_name_cannot_turn_its_extension_around() {
        // U+202E would show 整改报告\u{202E}fdp.exe as 整改报告exe.pdf.
        assert_eq!(clean_name("整改报告\u{202E}fdp.exe"), "整改报告fdp.exe");
        assert_eq!(clean_name("C:\\x\\..\\台账.xlsx"), "台账.xlsx");
    }

    #[test]
    fn kinds_are_judged_by_content_not_by_name() {
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0], "x.pdf"),
            Some(FileKind::Jpeg)
        );
        assert_eq!(sniff(b"%PDF-1.7\n", "report.jpg"), Some(FileKind::Pdf));
        assert_eq!(
            sniff(b"PK\x03\x04rest", "整改报告.docx"),
            Some(FileKind::Docx)
        );
        assert_eq!(sniff(b"PK\x03\x04rest", "payload.zip"), None);
        assert_eq!(
            sniff(b"MZ\x90\x00", "photo.jpg"),
            None,
            "an executable named .jpg"
        );
        assert_eq!(sniff(b"<html>", "a.png"), None);
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 ", "a"), Some(FileKind::Webp));
        assert_eq!(
            sniff(b"\0\0\0\x18ftypheic", "IMG_0001.HEIC"),
            Some(FileKind::Heic)
        );
        assert!(FileKind::Heic.is_image() && !FileKind::Pdf.is_image());
    }

    #[test]
    fn names_lose_paths_and_dangerous_characters() {
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("C:\\相册\\整改前.jpg"), "整改前.jpg");
        assert_eq!(clean_name("a\"b<c>.pdf"), "abc.pdf");
        assert_eq!(clean_name(".."), "附件");
        assert_eq!(clean_name(&"长".repeat(200)).chars().count(), 100);
    }
}
