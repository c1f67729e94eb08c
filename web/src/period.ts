// Periods as the server spells them (zlc_domain::period): `2024` a year,
// `2024H1` a half, `2024Q1` a quarter, `2024-03` a month. parsePeriod is the
// one reader every page uses (filters, links, pickers, exports); the rest
// are built on it: the kinds, the days covered, the Chinese names, the
// choices the period pickers offer.

export type PeriodKind = 'month' | 'quarter' | 'year'

/** Every kind the server knows, halves too (a report or plan schedule of the policy may run by the half year). */
export type AnyPeriodKind = PeriodKind | 'half'

export const periodKinds: { value: PeriodKind; label: string }[] = [
  { value: 'month', label: '月度' },
  { value: 'quarter', label: '季度' },
  { value: 'year', label: '年度' },
]

/** A period read: its kind, year and which half, quarter or month of it (from 1; 0 for a year). */
export interface Period {
  kind: AnyPeriodKind
  year: number
  index: number
}

const PERIOD = /^(\d{4})(?:H([12])|Q([1-4])|-(0[1-9]|1[0-2]))?$/

/** The period `p` spells exactly as the server reads it; null for anything else (`2024-3`, `2024Q5`, ` 2024`). */
export function parsePeriod(p: string): Period | null {
  const m = PERIOD.exec(p)
  if (!m) return null
  const year = Number(m[1])
  if (m[2]) return { kind: 'half', year, index: Number(m[2]) }
  if (m[3]) return { kind: 'quarter', year, index: Number(m[3]) }
  if (m[4]) return { kind: 'month', year, index: Number(m[4]) }
  return { kind: 'year', year, index: 0 }
}

/** A period string the server accepts (surrounding spaces aside: it trims them). */
export function isPeriod(p: string): boolean {
  return parsePeriod(p.trim()) !== null
}

/** The kind of a month, quarter or year period; null for anything else (halves too). */
export function periodKindOf(p: string): PeriodKind | null {
  const kind = parsePeriod(p)?.kind
  return kind && kind !== 'half' ? kind : null
}

const pad = (n: number) => String(n).padStart(2, '0')

/**
 * The days a period covers, local time: `start` its first day, `end` the
 * day after its last. Null for anything the server would not accept.
 */
export function periodRange(p: string): { start: Date; end: Date } | null {
  const r = parsePeriod(p.trim())
  if (!r) return null
  const span = (from: number, months: number) => ({ start: new Date(r.year, from, 1), end: new Date(r.year, from + months, 1) })
  switch (r.kind) {
    case 'year':
      return span(0, 12)
    case 'half':
      return span((r.index - 1) * 6, 6)
    case 'quarter':
      return span((r.index - 1) * 3, 3)
    case 'month':
      return span(r.index - 1, 1)
  }
}

/** The period of `kind` that `now` falls in. */
export function currentPeriod(kind: AnyPeriodKind, now = new Date()): string {
  const y = now.getFullYear()
  if (kind === 'year') return String(y)
  if (kind === 'half') return `${y}H${now.getMonth() < 6 ? 1 : 2}`
  if (kind === 'quarter') return `${y}Q${Math.floor(now.getMonth() / 3) + 1}`
  return `${y}-${pad(now.getMonth() + 1)}`
}

/** The quarter (`2026Q4`) a date falls in. */
export function quarterOf(d: Date = new Date()): string {
  return currentPeriod('quarter', d)
}

/** A quarter moved by `n` quarters; anything but a quarter is left as it is. */
export function shiftQuarter(period: string, n: number): string {
  const r = parsePeriod(period)
  if (r?.kind !== 'quarter') return period
  const index = r.year * 4 + (r.index - 1) + n
  return `${Math.floor(index / 4)}Q${(index % 4) + 1}`
}

const quarterNames = ['一', '二', '三', '四']

/** `2024-03` → 2024年3月, `2024Q1` → 2024年第一季度, `2024H1` → 2024年上半年, `2024` → 2024年; anything else as it is. */
export function periodLabel(p: string): string {
  const r = parsePeriod(p)
  if (!r) return p
  switch (r.kind) {
    case 'month':
      return `${r.year}年${r.index}月`
    case 'quarter':
      return `${r.year}年第${quarterNames[r.index - 1]}季度`
    case 'half':
      return `${r.year}年${r.index === 1 ? '上' : '下'}半年`
    case 'year':
      return `${r.year}年`
  }
}

/**
 * The periods of `kind` to choose from, newest first: the current one and
 * `back` before it (24 months, 12 quarters, 6 halves or 5 years by default).
 */
export function periodChoices(kind: AnyPeriodKind, now = new Date(), back?: number): { value: string; label: string }[] {
  const n = back ?? { month: 24, quarter: 12, half: 6, year: 5 }[kind]
  const out: string[] = []
  const y = now.getFullYear()
  for (let i = 0; i <= n; i++) {
    if (kind === 'year') out.push(String(y - i))
    else if (kind === 'half') {
      const index = y * 2 + (now.getMonth() < 6 ? 0 : 1) - i
      out.push(`${Math.floor(index / 2)}H${(index % 2) + 1}`)
    } else if (kind === 'quarter') {
      const index = y * 4 + Math.floor(now.getMonth() / 3) - i
      out.push(`${Math.floor(index / 4)}Q${(index % 4) + 1}`)
    } else {
      const d = new Date(y, now.getMonth() - i, 1)
      out.push(`${d.getFullYear()}-${pad(d.getMonth() + 1)}`)
    }
  }
  return out.map((value) => ({ value, label: periodLabel(value) }))
}

/** Quarters to choose from, newest first: the next one back to `back` ago. */
export function quarterOptions(back = 7, now = new Date()): { value: string; label: string }[] {
  return periodChoices('quarter', new Date(now.getFullYear(), now.getMonth() + 3, 1), back + 1)
}

/** The last `n` months (`2026-06` … `2026-11`), oldest first, ending with the current one. */
export function lastMonths(n: number, now = new Date()): string[] {
  return periodChoices('month', now, n - 1)
    .map((c) => c.value)
    .reverse()
}
