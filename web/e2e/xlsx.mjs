// Just enough of a spreadsheet for the browser tests: the cells of an xlsx
// the server wrote, and the same workbook with rows typed into its table,
// as a person fills in a downloaded template in Excel or WPS (every other
// part — title, merged header, styles, the 填报人 lines — kept as it was).

import { unzip, zip } from './zip.mjs'

const unescape = (s) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&amp;/g, '&')
const escape = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** The text of the <t> runs inside a piece of XML. */
const runs = (xml) => [...xml.matchAll(/<t(?:\s[^>]*)?>([\s\S]*?)<\/t>/g)].map((m) => unescape(m[1])).join('')

/** `C` → 3. */
export function colNumber(letters) {
  let n = 0
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64)
  return n
}
/** 3 → `C`. */
export function colLetters(n) {
  let s = ''
  for (; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s
  return s
}

/** The path of the workbook's first worksheet. */
function firstSheet(entries) {
  const book = entries.get('xl/workbook.xml')?.toString('utf8') ?? ''
  const rels = entries.get('xl/_rels/workbook.xml.rels')?.toString('utf8') ?? ''
  const rid = /<sheet\b[^>]*\br:id="([^"]+)"/.exec(book)?.[1]
  const target = rid && new RegExp(`<Relationship\\b[^>]*Id="${rid}"[^>]*Target="([^"]+)"`).exec(rels)?.[1]
  const alt = rid && new RegExp(`<Relationship\\b[^>]*Target="([^"]+)"[^>]*Id="${rid}"`).exec(rels)?.[1]
  const t = target || alt
  if (!t) return 'xl/worksheets/sheet1.xml'
  return t.startsWith('/') ? t.slice(1) : `xl/${t}`
}

/**
 * A workbook opened: its entries, the first sheet's name and XML, and its
 * cells as rows (row number → column number → text; numbers as written).
 */
export function openXlsx(buf) {
  const entries = unzip(buf)
  const path = firstSheet(entries)
  const xml = entries.get(path)?.toString('utf8')
  if (!xml) throw new Error(`no worksheet ${path} in the workbook (${[...entries.keys()].join(', ')})`)
  const shared = [...(entries.get('xl/sharedStrings.xml')?.toString('utf8') ?? '').matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) => runs(m[1]))
  const rows = new Map()
  for (const m of xml.matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
    const attrs = m[1]
    const ref = /\br="([A-Z]+)(\d+)"/.exec(attrs)
    if (!ref) continue
    const type = /\bt="([^"]+)"/.exec(attrs)?.[1]
    const body = m[2] ?? ''
    const v = /<v>([\s\S]*?)<\/v>/.exec(body)?.[1]
    let text = ''
    if (type === 's') text = shared[Number(v)] ?? ''
    else if (type === 'inlineStr') text = runs(body)
    else if (v !== undefined) text = unescape(v)
    if (text === '') continue
    const r = Number(ref[2])
    if (!rows.has(r)) rows.set(r, new Map())
    rows.get(r).set(colNumber(ref[1]), text)
  }
  const merges = [...xml.matchAll(/<mergeCell\b[^>]*ref="([^"]+)"/g)].map((m) => m[1])
  const book = entries.get('xl/workbook.xml')?.toString('utf8') ?? ''
  const name = unescape(/<sheet\b[^>]*name="([^"]*)"/.exec(book)?.[1] ?? '')
  return { entries, path, xml, rows, merges, name }
}

/** The texts of one row, in column order (empty cells left out). */
export function rowTexts(book, r) {
  const row = book.rows.get(r)
  return row ? [...row.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]) : []
}

/** The number of the first row holding a cell whose text is `text`. */
export function findRow(book, text) {
  for (const [r, cells] of [...book.rows.entries()].sort((a, b) => a[0] - b[0])) {
    if ([...cells.values()].some((t) => t === text)) return r
  }
  return null
}

/** The number of the first row holding a cell whose text starts with `prefix`. */
export function findRowStarting(book, prefix) {
  for (const [r, cells] of [...book.rows.entries()].sort((a, b) => a[0] - b[0])) {
    if ([...cells.values()].some((t) => t.startsWith(prefix))) return r
  }
  return null
}

/** Moves a cell reference like `B12` down by `by` rows if it is at or below `from`. */
function shiftRef(ref, from, by) {
  return ref.replace(/([A-Z]+)(\d+)/g, (all, c, r) => (Number(r) >= from ? `${c}${Number(r) + by}` : all))
}

/**
 * The workbook with `rows` typed into its table from row `first` on, over
 * the template's empty (numbered) rows there, `blank` of them: each row is
 * an array of the cells from column A, a number or a string (typed as text,
 * the way a date like 2024.3.5 stays what was typed), or null for a cell
 * left empty. More rows than blank ones push the lines below down, as
 * inserting rows in Excel does. Each cell keeps the style of the
 * template's cell in its column. `replace` changes the text of a line
 * (the first cell starting with the key) to the value.
 */
export function fillXlsx(book, { first, blank, rows, replace = {} }) {
  let xml = book.xml
  const rowRe = (r) => new RegExp(`<row\\b[^>]*\\br="${r}"[^>]*?(?:/>|>[\\s\\S]*?</row>)`)
  // The styles of the template's first empty row, column by column.
  const model = rowRe(first).exec(xml)?.[0] ?? ''
  const styles = new Map()
  for (const m of model.matchAll(/<c\b[^>]*\br="([A-Z]+)\d+"[^>]*?\bs="(\d+)"/g)) styles.set(colNumber(m[1]), m[2])
  const widest = Math.max(...rows.map((r) => r.length), ...styles.keys())
  // Take the empty rows out, push what is below down, then put the rows in.
  for (let r = first; r < first + blank; r++) xml = xml.replace(rowRe(r), '')
  const by = rows.length - blank
  if (by !== 0) {
    const from = first + blank
    xml = xml.replace(/<row\b([^>]*)\br="(\d+)"/g, (all, pre, r) => (Number(r) >= from ? `<row${pre}r="${Number(r) + by}"` : all))
    xml = xml.replace(/(<c\b[^>]*\br=")([A-Z]+\d+)"/g, (all, pre, ref) => `${pre}${shiftRef(ref, from, by)}"`)
    xml = xml.replace(/(<mergeCell\b[^>]*ref=")([^"]+)"/g, (all, pre, ref) => `${pre}${shiftRef(ref, from, by)}"`)
    xml = xml.replace(/(<dimension\b[^>]*ref=")([^"]+)"/g, (all, pre, ref) => `${pre}${shiftRef(ref, from, by)}"`)
  }
  const typed = rows
    .map((cells, i) => {
      const r = first + i
      const out = []
      for (let c = 1; c <= widest; c++) {
        const v = cells[c - 1]
        const s = styles.has(c) ? ` s="${styles.get(c)}"` : ''
        const ref = `${colLetters(c)}${r}`
        if (v === null || v === undefined || v === '') out.push(`<c r="${ref}"${s}/>`)
        else if (typeof v === 'number') out.push(`<c r="${ref}"${s}><v>${v}</v></c>`)
        else out.push(`<c r="${ref}"${s} t="inlineStr"><is><t xml:space="preserve">${escape(v)}</t></is></c>`)
      }
      return `<row r="${r}">${out.join('')}</row>`
    })
    .join('')
  // Rows go in order: before the first row below the table, else at the end of the sheet data.
  const after = [...xml.matchAll(/<row\b[^>]*\br="(\d+)"/g)].find((m) => Number(m[1]) > first)
  xml = after ? xml.slice(0, after.index) + typed + xml.slice(after.index) : xml.replace('</sheetData>', `${typed}</sheetData>`)
  // The lines above and below (填报日期, 填报人 …), typed over.
  const entries = new Map(book.entries)
  let strings = entries.get('xl/sharedStrings.xml')?.toString('utf8')
  for (const [key, value] of Object.entries(replace)) {
    const at = findRowStarting(book, key)
    if (at === null) throw new Error(`no line starting with ${key} in the template`)
    const col = [...book.rows.get(at).entries()].find((e) => e[1].startsWith(key))[0]
    const r = at >= first + blank ? at + by : at
    const ref = `${colLetters(col)}${r}`
    const cell = new RegExp(`<c\\b([^>]*?)\\br="${ref}"([^>]*?)(?:/>|>[\\s\\S]*?</c>)`)
    const m = cell.exec(xml)
    if (!m) throw new Error(`no cell ${ref} for ${key}`)
    const attrs = `${m[1]}r="${ref}"${m[2]}`.replace(/\s*\bt="[^"]*"/, '')
    xml = xml.replace(cell, `<c${attrs} t="inlineStr"><is><t xml:space="preserve">${escape(value)}</t></is></c>`)
  }
  entries.set(book.path, Buffer.from(xml, 'utf8'))
  if (strings !== undefined) entries.set('xl/sharedStrings.xml', Buffer.from(strings, 'utf8'))
  return zip(entries)
}
