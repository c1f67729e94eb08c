//! A Word document (.docx, WordprocessingML) in the official layout of
//! GB/T 9704-2012 《党政机关公文格式》: A4; margins 37 mm top, 35 mm bottom,
//! 28 mm left, 26 mm right; the title in 方正小标宋简体 二号, centred; the body
//! in 仿宋_GB2312 三号 with a first-line indent of two characters and a fixed
//! line spacing of 28 pt; first-level headings (一、) in 黑体, second-level
//! ((一) or 1.) in 楷体_GB2312; page numbers in 宋体 四号 as `— 1 —`, right on
//! odd pages and left on even ones.
//!
//! The parts are written directly: a .docx is a zip of a handful of XML
//! parts, and writing them gives every one of these settings exactly (the
//! Rust docx libraries cannot express the page-number field or the
//! odd/even footers). Headings use Word's built-in heading styles, so the
//! navigation pane and the styles gallery work when a clerk edits it.

use crate::OfficeError;
use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;

/// Twentieths of a point per millimetre.
const TWIPS_PER_MM: f64 = 56.692_913;

fn mm(v: f64) -> i64 {
    (v * TWIPS_PER_MM).round() as i64
}

/// One block of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// 标题: 方正小标宋简体 二号, centred.
    Title(String),
    /// 主送机关 line, flush left.
    Addressee(String),
    /// A body paragraph; `lead` (a second-level heading such as
    /// `1.“走”得更广，俯身倾听晓民意。`) runs in 楷体 before the text.
    Body { lead: Option<String>, text: String },
    /// 一级标题 (一、总体情况) in 黑体.
    Heading1(String),
    /// 二级标题 on a line of its own, in 楷体.
    Heading2(String),
    /// 发文机关署名 and 成文日期, right-aligned lines at the end.
    Signature { issuer: String, date: String },
    /// An empty line.
    Blank,
}

/// Escapes text for XML.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Characters XML 1.0 forbids are dropped.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

fn run(text: &str, style: Option<&str>) -> String {
    let rpr = style
        .map(|s| format!("<w:rPr><w:rStyle w:val=\"{s}\"/></w:rPr>"))
        .unwrap_or_default();
    format!(
        "<w:r>{rpr}<w:t xml:space=\"preserve\">{}</w:t></w:r>",
        esc(text)
    )
}

fn para(style: &str, runs: &str) -> String {
    format!("<w:p><w:pPr><w:pStyle w:val=\"{style}\"/></w:pPr>{runs}</w:p>")
}

fn body(blocks: &[Block]) -> String {
    let mut out = String::new();
    for b in blocks {
        out.push_str(&match b {
            Block::Title(t) => para("Title", &run(t, None)),
            Block::Addressee(t) => para("Addressee", &run(t, None)),
            Block::Heading1(t) => para("Heading1", &run(t, None)),
            Block::Heading2(t) => para("Heading2", &run(t, None)),
            Block::Body { lead, text } => {
                let lead = lead
                    .as_deref()
                    .map(|l| run(l, Some("Lead")))
                    .unwrap_or_default();
                para("BodyText", &format!("{lead}{}", run(text, None)))
            }
            Block::Signature { issuer, date } => format!(
                "{}{}",
                para("Signature", &run(issuer, None)),
                para("Signature", &run(date, None))
            ),
            Block::Blank => para("BodyText", ""),
        });
    }
    out
}

const NS: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"";

fn document_xml(blocks: &[Block]) -> String {
    // A4 portrait; the margins of GB/T 9704-2012 7.1; footers 7 mm below
    // the text block (页码位于版心下边缘之下 7 mm).
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<w:document {NS}><w:body>{}\
<w:sectPr><w:footerReference w:type=\"default\" r:id=\"rIdFooterOdd\"/><w:footerReference w:type=\"even\" r:id=\"rIdFooterEven\"/>\
<w:pgSz w:w=\"11906\" w:h=\"16838\"/>\
<w:pgMar w:top=\"{}\" w:right=\"{}\" w:bottom=\"{}\" w:left=\"{}\" w:header=\"851\" w:footer=\"{}\" w:gutter=\"0\"/>\
<w:pgNumType w:fmt=\"decimal\" w:start=\"1\"/>\
<w:docGrid w:type=\"linesAndChars\" w:linePitch=\"560\" w:charSpace=\"0\"/></w:sectPr>\
</w:body></w:document>",
        body(blocks),
        mm(37.0),
        mm(26.0),
        mm(35.0),
        mm(28.0),
        mm(35.0 - 7.0),
    )
}

/// The fonts of a run: Latin letters and digits in Times New Roman, Chinese in `east`.
fn fonts(east: &str) -> String {
    format!(
        "<w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" w:eastAsia=\"{east}\" w:cs=\"Times New Roman\" w:hint=\"eastAsia\"/>"
    )
}

fn styles_xml() -> String {
    // Sizes in half-points: 二号 22 pt = 44, 三号 16 pt = 32, 四号 14 pt = 28.
    // Fixed line spacing 28 pt = 560 twentieths.
    let line = "<w:spacing w:before=\"0\" w:after=\"0\" w:line=\"560\" w:lineRule=\"exact\"/>";
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<w:styles {NS}>\
<w:docDefaults><w:rPrDefault><w:rPr>{f}<w:sz w:val=\"32\"/><w:szCs w:val=\"32\"/><w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\"/></w:rPr></w:rPrDefault>\
<w:pPrDefault><w:pPr>{line}<w:jc w:val=\"both\"/></w:pPr></w:pPrDefault></w:docDefaults>\
<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"BodyText\"><w:name w:val=\"Body Text\"/><w:basedOn w:val=\"Normal\"/><w:qFormat/>\
<w:pPr><w:ind w:firstLineChars=\"200\" w:firstLine=\"640\"/></w:pPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"BodyText\"/><w:qFormat/>\
<w:pPr><w:spacing w:before=\"0\" w:after=\"560\" w:line=\"700\" w:lineRule=\"exact\"/><w:jc w:val=\"center\"/><w:outlineLvl w:val=\"0\"/></w:pPr>\
<w:rPr>{t}<w:sz w:val=\"44\"/><w:szCs w:val=\"44\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Addressee\"><w:name w:val=\"Salutation\"/><w:basedOn w:val=\"Normal\"/></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Heading1\"><w:name w:val=\"heading 1\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"BodyText\"/><w:qFormat/>\
<w:pPr><w:keepNext/><w:ind w:firstLineChars=\"200\" w:firstLine=\"640\"/><w:outlineLvl w:val=\"0\"/></w:pPr><w:rPr>{h1}</w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Heading2\"><w:name w:val=\"heading 2\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"BodyText\"/><w:qFormat/>\
<w:pPr><w:keepNext/><w:ind w:firstLineChars=\"200\" w:firstLine=\"640\"/><w:outlineLvl w:val=\"1\"/></w:pPr><w:rPr>{h2}</w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Signature\"><w:name w:val=\"Signature\"/><w:basedOn w:val=\"Normal\"/>\
<w:pPr><w:ind w:right=\"1280\"/><w:jc w:val=\"right\"/></w:pPr></w:style>\
<w:style w:type=\"character\" w:styleId=\"Lead\"><w:name w:val=\"Lead\"/><w:rPr>{h2}</w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Footer\"><w:name w:val=\"footer\"/><w:basedOn w:val=\"Normal\"/>\
<w:pPr><w:spacing w:line=\"240\" w:lineRule=\"auto\"/></w:pPr><w:rPr>{pn}<w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/></w:rPr></w:style>\
</w:styles>",
        f = fonts("仿宋_GB2312"),
        t = fonts("方正小标宋简体"),
        h1 = fonts("黑体"),
        h2 = fonts("楷体_GB2312"),
        pn = fonts("宋体"),
    )
}

/// A footer with the page number `— N —`, on the right (odd pages) or the
/// left (even pages), one character in from the edge of the text.
fn footer_xml(odd: bool) -> String {
    let (jc, ind) = if odd {
        ("right", "<w:ind w:right=\"280\"/>")
    } else {
        ("left", "<w:ind w:left=\"280\"/>")
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<w:ftr {NS}><w:p><w:pPr><w:pStyle w:val=\"Footer\"/>{ind}<w:jc w:val=\"{jc}\"/></w:pPr>\
<w:r><w:t xml:space=\"preserve\">— </w:t></w:r>\
<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r>\
<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r>\
<w:r><w:t xml:space=\"preserve\"> —</w:t></w:r></w:p></w:ftr>"
    )
}

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
<Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>\
<Override PartName=\"/word/footer1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>\
<Override PartName=\"/word/footer2.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>\
<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>\
</Types>";

const ROOT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>\
</Relationships>";

const DOCUMENT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rIdStyles\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
<Relationship Id=\"rIdSettings\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" Target=\"settings.xml\"/>\
<Relationship Id=\"rIdFooterOdd\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer1.xml\"/>\
<Relationship Id=\"rIdFooterEven\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer2.xml\"/>\
</Relationships>";

fn settings_xml() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<w:settings {NS}><w:evenAndOddHeaders/><w:defaultTabStop w:val=\"640\"/>\
<w:characterSpacingControl w:val=\"compressPunctuation\"/><w:compat><w:doNotExpandShiftReturn/></w:compat></w:settings>"
    )
}

fn core_xml(title: &str, author: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" \
xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>{}</dc:title><dc:creator>{}</dc:creator><dc:language>zh-CN</dc:language></cp:coreProperties>",
        esc(title),
        esc(author)
    )
}

const APP_XML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\"><Application>走流程工作平台</Application></Properties>";

/// The document of `blocks` as .docx bytes.
pub fn write(blocks: &[Block], title: &str, author: &str) -> Result<Vec<u8>, OfficeError> {
    let w = |e: zip::result::ZipError| OfficeError::Write(e.to_string());
    let io = |e: std::io::Error| OfficeError::Write(e.to_string());
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let parts: [(&str, String); 10] = [
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", ROOT_RELS.to_string()),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_string()),
        ("word/document.xml", document_xml(blocks)),
        ("word/styles.xml", styles_xml()),
        ("word/settings.xml", settings_xml()),
        ("word/footer1.xml", footer_xml(true)),
        ("word/footer2.xml", footer_xml(false)),
        ("docProps/core.xml", core_xml(title, author)),
        ("docProps/app.xml", APP_XML.to_string()),
    ];
    for (name, xml) in parts {
        zip.start_file(name, opts).map_err(w)?;
        zip.write_all(xml.as_bytes()).map_err(io)?;
    }
    Ok(zip.finish().map_err(w)?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn part(bytes: &[u8], name: &str) -> String {
        let mut z = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).expect("zip");
        let mut s = String::new();
        z.by_name(name)
            .expect(name)
            .read_to_string(&mut s)
            .expect("utf-8");
        s
    }

    #[test]
    fn the_official_layout_is_in_the_parts() {
        let bytes = write(
            &[
                Block::Title("关于2024年第一季度领导干部“走流程”情况的通报".into()),
                Block::Heading1("一、总体情况".into()),
                Block::Body {
                    lead: Some("1.“走”得更广。".into()),
                    text: "A&B <检查>".into(),
                },
                Block::Signature {
                    issuer: "示范区营商办".into(),
                    date: "2024年4月20日".into(),
                },
            ],
            "通报",
            "走流程工作平台",
        )
        .expect("docx");
        let doc = part(&bytes, "word/document.xml");
        // Margins 37/26/35/28 mm, A4.
        assert!(
            doc.contains("w:top=\"2098\" w:right=\"1474\" w:bottom=\"1984\" w:left=\"1587\""),
            "{doc}"
        );
        assert!(doc.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"));
        assert!(doc.contains("A&amp;B &lt;检查&gt;"));
        assert!(doc.contains("<w:rStyle w:val=\"Lead\"/>"));
        let styles = part(&bytes, "word/styles.xml");
        for font in ["方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"] {
            assert!(styles.contains(&format!("w:eastAsia=\"{font}\"")), "{font}");
        }
        assert!(styles.contains("w:line=\"560\" w:lineRule=\"exact\""));
        assert!(styles.contains("<w:sz w:val=\"44\"/>"), "二号 title");
        let odd = part(&bytes, "word/footer1.xml");
        assert!(odd.contains(" PAGE ") && odd.contains("w:val=\"right\""));
        assert!(part(&bytes, "word/footer2.xml").contains("w:val=\"left\""));
        assert!(part(&bytes, "word/settings.xml").contains("evenAndOddHeaders"));
    }
}
