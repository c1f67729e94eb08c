#!/usr/bin/env python3
"""Writes the seed corpus of the fuzz targets into fuzz/corpus/<target>/.

    python3 fuzz/make-corpus.py [--zlc BIN]

Every file is small (< 64 KB). With --zlc (a built zlc, e.g. target/debug/zlc)
the xlsx seeds are also taken from real exports of a demo database, one per
table kind; without it the export seeds already in the corpus are kept.

The xlsx inputs start with one byte that picks the table kind (b % 6:
0 items, 1 ledger, 2 window-schedule, 3 window-stats, 4 lists, 5 units) and
the limits (below 0x80 the defaults, from 0x80 the small limits of
fuzz/src/office.rs); then a zip, or parts as text after "==> " (see
fuzz/src/office.rs). Files named bomb-* and limit-* must be refused by the
limits, sst-* by the check of the shared strings: the replay test
crates/zlc-office/tests/fuzz_corpus.rs holds them to it.
"""

import argparse
import datetime
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")
KINDS = ["items", "ledger", "window-schedule", "window-stats", "lists", "units"]
MAX = 64 * 1024

# fuzz/src/office.rs SKELETON, for the zips built here.
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
SHEET_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def kind_byte(kind, small=False):
    """The first byte that picks `kind` (an index into KINDS) and the limits."""
    base = 0x80 if small else ord("0")
    return bytes([base + (kind - base) % 6])


def zipped(parts, deflate=True):
    """A zip of (name, bytes) parts with fixed timestamps."""
    out = io.BytesIO()
    method = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
    with zipfile.ZipFile(out, "w", method, compresslevel=9) as z:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = method
            z.writestr(info, data)
    return out.getvalue()


def skeleton(sheet, strings=None, extra=()):
    parts = [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", RELS),
        ("xl/workbook.xml", WORKBOOK),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        ("xl/worksheets/sheet1.xml", sheet),
    ]
    if strings is not None:
        parts.append(("xl/sharedStrings.xml", strings))
    return parts + list(extra)


def as_text(parts):
    """Parts as the text form of fuzz/src/office.rs."""
    return "\n".join(f"==> {name}\n{data}" for name, data in parts).encode()


def sheet_xml(rows):
    """A worksheet of inline-string rows (lists of texts)."""
    out = []
    for r, cells in enumerate(rows, 1):
        cs = "".join(
            f'<c r="{col(c)}{r}" t="inlineStr"><is><t>{t}</t></is></c>'
            for c, t in enumerate(cells)
        )
        out.append(f'<row r="{r}">{cs}</row>')
    return f'<worksheet {SHEET_NS}><sheetData>{"".join(out)}</sheetData></worksheet>'


def col(c):
    s = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        s = chr(65 + rem) + s
    return s


def shared(sheet):
    """The sheet with its inline strings moved into a shared-strings part."""
    strings = []
    index = {}

    def sub(m):
        text = m.group(2)
        if text not in index:
            index[text] = len(strings)
            strings.append(text)
        return f'{m.group(1)} t="s"><v>{index[text]}</v></c>'

    sheet = re.sub(r'(<c r="[A-Z]+[0-9]+"(?: s="[0-9]+")?) t="inlineStr"><is><t[^>]*>(.*?)</t></is></c>', sub, sheet)
    sst = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst {SHEET_NS} '
        f'count="{len(strings)}" uniqueCount="{len(strings)}">'
        + "".join(f"<si><t>{t}</t></si>" for t in strings)
        + "</sst>"
    )
    return sheet, sst


def write(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    if len(data) >= MAX:
        sys.exit(f"{target}/{name}: {len(data)} bytes, over {MAX}")
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)
    print(f"{target}/{name}: {len(data)} bytes")


def exports(zlc):
    """One small export per kind from a demo database: {kind: bytes}."""
    tmp = tempfile.mkdtemp(prefix="zlc-corpus-")
    try:
        base = [zlc, "--data-dir", os.path.join(tmp, "data")]
        subprocess.run(base + ["demo", "--scale", "small", "--seed", "1"], check=True, capture_output=True)
        today = datetime.date.today()
        months = []
        y, m = today.year, today.month
        for _ in range(14):
            months.append(f"{y}-{m:02d}")
            y, m = (y, m - 1) if m > 1 else (y - 1, 12)
        units = ["区营商环境建设办公室", "区市场监督管理局", "东关街道办事处", "区卫生健康局", None]
        found = {}
        for kind in KINDS:
            for period in months:
                for unit in units:
                    out = os.path.join(tmp, f"{kind}.xlsx")
                    cmd = base + ["export", kind, "-o", out]
                    if kind not in ("items", "units"):
                        cmd += ["--period", period]
                    if unit:
                        cmd += ["--unit", unit]
                    r = subprocess.run(cmd, capture_output=True, text=True)
                    rows = re.search(r"（(\d+) 行）", r.stdout + r.stderr)
                    if r.returncode == 0 and rows and int(rows.group(1)) > 0:
                        data = open(out, "rb").read()
                        if len(data) < 40 * 1024:
                            found[kind] = data
                            break
                if kind in found or kind in ("items", "units"):
                    break
            if kind not in found:
                print(f"no small export of {kind} with rows", file=sys.stderr)
        return found
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def xlsx(zlc):
    t = "xlsx_import"
    if zlc:
        for kind, data in exports(zlc).items():
            k = KINDS.index(kind)
            # The export as uploaded, under the defaults and the small limits.
            write(t, f"export-{kind}.xlsx", kind_byte(k) + data)
            z = zipfile.ZipFile(io.BytesIO(data))
            sheet, sst = shared(z.read("xl/worksheets/sheet1.xml").decode())
            parts = [("xl/worksheets/sheet1.xml", sheet), ("xl/sharedStrings.xml", sst)]
            if "xl/styles.xml" in z.namelist():
                parts.append(("xl/styles.xml", z.read("xl/styles.xml").decode()))
            # The same sheet as text parts with shared strings, for mutating the XML.
            write(t, f"parts-{kind}.txt", kind_byte(k, small=True) + as_text(parts))
        # A table of one kind read as another: no table.
        units = os.path.join(CORPUS, t, "export-units.xlsx")
        if os.path.exists(units):
            write(t, "export-units-as-ledger.xlsx", kind_byte(1) + open(units, "rb").read()[1:])

    # A minimal ledger as parts, with a date, marks and a second table header row.
    ledger = [
        ["“干部走流程”问题整改台账"],
        ["填报单位(盖章)：某局", "", "", "", "填报时间：2024年3月5日"],
        ["序号", "时间", "流程人员及职务", "体验事项", "走流程形式", "", "", "", "存在问题及原因", "整改及优化措施", "整改完成时间"],
        ["", "", "", "", "驻窗办", "亲身办", "陪同办", "检验办"],
        ["1", "3月5日上午", "张三 局长", "营业执照", "", "√", "", "", "材料多：要求重复提交", "取消重复材料", "整改中"],
        ["2", "2024-03-06", "李四（科长）", "", "√", "", "", "", "无", "", ""],
        ["填报人：王五", "", "联系方式：123"],
    ]
    sheet, sst = shared(sheet_xml(ledger))
    write(t, "parts-ledger-minimal.txt", kind_byte(1) + as_text([("xl/worksheets/sheet1.xml", sheet), ("xl/sharedStrings.xml", sst)]))
    units = [["序号", "单位名称", "上级单位", "单位类型", "单位类别"], ["1", "某局", "", "部门", "审批服务、行政执法"]]
    write(t, "parts-units-inline.txt", kind_byte(5) + as_text([("xl/worksheets/sheet1.xml", sheet_xml(units))]))

    # Not packages.
    write(t, "empty", kind_byte(0))
    write(t, "not-a-zip", kind_byte(2) + b"PK\x03\x04 not really a zip")
    whole = zipped(skeleton(sheet_xml(units)))
    write(t, "truncated.xlsx", kind_byte(5) + whole[: len(whole) // 2])

    # Bombs and limits, under the small limits (SMALL in fuzz/src/office.rs:
    # 4 MB unpacked, 1 MB shared strings, 64 parts, 1000 rows, 1000 characters).
    si = "<si><t>" + "字" * 300 + "</t></si>"
    sst = f"<sst {SHEET_NS} count=\"4000\" uniqueCount=\"4000\">" + si * 4000 + "</sst>"  # 3.6 MB
    write(t, "bomb-strings.xlsx", kind_byte(1, small=True) + zipped(skeleton(sheet_xml(ledger), sst)))
    pad = [(f"xl/media/pad{i}.bin", b"\0" * (900 * 1024)) for i in range(5)]  # 4.5 MB in all
    write(t, "bomb-total.xlsx", kind_byte(1, small=True) + zipped(skeleton(sheet_xml(ledger), extra=pad)))
    many = [(f"xl/media/p{i}.xml", "<a/>") for i in range(70)]
    write(t, "bomb-parts.xlsx", kind_byte(5, small=True) + zipped(skeleton(sheet_xml(units), extra=many)))
    rows = units + [[str(i), f"单位{i}", "某局", "部门", ""] for i in range(2, 1100)]
    write(t, "limit-rows.xlsx", kind_byte(5, small=True) + zipped(skeleton(sheet_xml(rows))))
    long_cell = units + [["2", "长" * 1001, "", "部门", ""]]
    write(t, "limit-cell.txt", kind_byte(5, small=True) + as_text([("xl/worksheets/sheet1.xml", sheet_xml(long_cell))]))

    # A shared-strings part that claims more strings than it could hold: the
    # reader reserved that many up front (a 1 KB file asked for 2.4 TB
    # and aborted the process). Under the defaults, as a server reads it.
    for name, attr in [
        ("sst-unique-count.txt", 'uniqueCount="100000000000"'),
        ("sst-unique-count-spaced.txt", "uniqueCount =\n '000000000000000000000050000000'"),
        ("sst-unique-count-after-comment.txt", 'uniqueCount="100000000"'),
    ]:
        sst = f"<sst {SHEET_NS} {attr}><si><t>序号</t></si></sst>"
        if "comment" in name:
            sst = '<!-- <sst uniqueCount="1"> -->' + " " * 2000 + sst
        write(t, name, kind_byte(5) + as_text([("xl/worksheets/sheet1.xml", sheet_xml(units)), ("xl/sharedStrings.xml", sst)]))


def csv():
    t = "csv_import"
    write(t, "cn-holidays.tsv", open(os.path.join(ROOT, "calendar", "cn-holidays.tsv"), "rb").read())
    write(t, "header-only.tsv", b"date\tkind\tholiday\n")
    write(t, "no-header-crlf.tsv", b"# comment\r\n\r\n2024-02-10\tholiday\t\xe6\x98\xa5\xe8\x8a\x82\r\n2024-02-04\t\xe4\xb8\x8a\xe7\x8f\xad\t\xe6\x98\xa5\xe8\x8a\x82\r\n")
    write(t, "bad-header.tsv", b"date\tkind\n2024-01-01\tholiday\tNew Year\n")
    write(t, "workday-on-weekday.tsv", b"date\tkind\tholiday\n2024-02-05\tworkday\tx\n")
    write(t, "duplicate.tsv", b"date\tkind\tholiday\n2024-01-01\tholiday\ta\n2024-01-01\tholiday\tb\n")
    write(t, "edges.tsv", b"date\tkind\tholiday\n0000-01-01\tholiday\ta\n9999-12-31\tholiday\tb\n+2024-1-1\tholiday\tc\n")


def policy():
    t = "policy_parse"
    pdir = os.path.join(ROOT, "policies")
    for f in sorted(os.listdir(pdir)):
        if f.endswith(".toml"):
            write(t, f, open(os.path.join(pdir, f), "rb").read())
    write(t, "syntax-error.toml", b"[meta\nname = \"x\"\n")
    write(t, "unknown-key.toml", b"[meta]\nname = \"x\"\nnope = 1\n\n[filing]\nwithin_workingdays = 3\n")
    write(t, "empty.toml", b"")


def period():
    t = "period_parse"
    for s in ["2024", "2024H1", "2024Q4", "2024-03", "2024-13", "1000", "9999-12", "2024q1", "２０２４"]:
        write(t, s, s.encode())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--zlc", help="a built zlc, for seeds exported from a demo database")
    args = ap.parse_args()
    xlsx(args.zlc)
    csv()
    policy()
    period()


if __name__ == "__main__":
    main()
