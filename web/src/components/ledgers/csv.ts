// CSV export of a list as the user sees it: UTF-8 with a byte-order mark so
// that Excel and WPS read the Chinese text, CRLF line ends, RFC 4180 quoting.
// (Lists that are a seed's table export that table as xlsx instead, from the
// server: components/office.)

import { saveBlob } from '../../api'

/** One column of an exported table: its Chinese header and how to read a row. */
export interface CsvColumn<T> {
  header: string
  value: (row: T) => unknown
}

export const BOM = '\uFEFF'

/** A cell as CSV: quoted when it holds a quote, a separator or a line break. */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return ''
  const s = typeof v === 'boolean' ? (v ? '是' : '否') : String(v)
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** The whole file's text, starting with the BOM. */
export function toCsv<T>(columns: CsvColumn<T>[], rows: T[]): string {
  const lines = [columns.map((c) => csvCell(c.header)).join(',')]
  for (const r of rows) lines.push(columns.map((c) => csvCell(c.value(r))).join(','))
  return BOM + lines.join('\r\n') + '\r\n'
}

/** Saves the rows as `name` (…csv) through the browser's download. */
export function downloadCsv<T>(name: string, columns: CsvColumn<T>[], rows: T[]): void {
  saveBlob(new Blob([toCsv(columns, rows)], { type: 'text/csv;charset=utf-8' }), name)
}

/** Today as YYYYMMDD, for file names. */
export function stamp(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}`
}
