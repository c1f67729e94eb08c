// Periods as the server spells them (zlc_domain::period): `2024` a year,
// `2024H1` a half, `2024Q1` a quarter, `2024-03` a month; the choices the
// period picker offers and their Chinese names.

export type PeriodKind = 'month' | 'quarter' | 'year'

export const periodKinds: { value: PeriodKind; label: string }[] = [
  { value: 'month', label: '月度' },
  { value: 'quarter', label: '季度' },
  { value: 'year', label: '年度' },
]

/** A period string the server accepts. */
export function isPeriod(p: string): boolean {
  return /^\d{4}(H[12]|Q[1-4]|-(0[1-9]|1[0-2]))?$/.test(p.trim())
}

/** The kind of a month, quarter or year period; null for anything else (halves too). */
export function periodKindOf(p: string): PeriodKind | null {
  if (/^\d{4}-(0[1-9]|1[0-2])$/.test(p)) return 'month'
  if (/^\d{4}Q[1-4]$/.test(p)) return 'quarter'
  if (/^\d{4}$/.test(p)) return 'year'
  return null
}

const pad = (n: number) => String(n).padStart(2, '0')

/**
 * The days a period covers, local time: `start` its first day, `end` the
 * day after its last. Null for anything the server would not accept.
 */
export function periodRange(p: string): { start: Date; end: Date } | null {
  const t = p.trim()
  if (!isPeriod(t)) return null
  const y = Number(t.slice(0, 4))
  const span = (from: number, months: number) => ({ start: new Date(y, from, 1), end: new Date(y, from + months, 1) })
  if (t.length === 4) return span(0, 12)
  if (t[4] === 'H') return span((Number(t[5]) - 1) * 6, 6)
  if (t[4] === 'Q') return span((Number(t[5]) - 1) * 3, 3)
  return span(Number(t.slice(5, 7)) - 1, 1)
}

/** The period of `kind` that `now` falls in. */
export function currentPeriod(kind: PeriodKind, now = new Date()): string {
  const y = now.getFullYear()
  if (kind === 'year') return String(y)
  if (kind === 'quarter') return `${y}Q${Math.floor(now.getMonth() / 3) + 1}`
  return `${y}-${pad(now.getMonth() + 1)}`
}

const quarterNames = ['一', '二', '三', '四']

/** `2024-03` → 2024年3月, `2024Q1` → 2024年第一季度, `2024H1` → 2024年上半年, `2024` → 2024年. */
export function periodLabel(p: string): string {
  let m = /^(\d{4})-(\d{2})$/.exec(p)
  if (m) return `${m[1]}年${Number(m[2])}月`
  m = /^(\d{4})Q([1-4])$/.exec(p)
  if (m) return `${m[1]}年第${quarterNames[Number(m[2]) - 1]}季度`
  m = /^(\d{4})H([12])$/.exec(p)
  if (m) return `${m[1]}年${m[2] === '1' ? '上' : '下'}半年`
  return /^\d{4}$/.test(p) ? `${p}年` : p
}

/**
 * The periods of `kind` to choose from, newest first: the current one and
 * `back` before it (24 months, 12 quarters or 5 years by default).
 */
export function periodChoices(kind: PeriodKind, now = new Date(), back?: number): { value: string; label: string }[] {
  const n = back ?? { month: 24, quarter: 12, year: 5 }[kind]
  const out: string[] = []
  const y = now.getFullYear()
  for (let i = 0; i <= n; i++) {
    if (kind === 'year') out.push(String(y - i))
    else if (kind === 'quarter') {
      const index = y * 4 + Math.floor(now.getMonth() / 3) - i
      out.push(`${Math.floor(index / 4)}Q${(index % 4) + 1}`)
    } else {
      const d = new Date(y, now.getMonth() - i, 1)
      out.push(`${d.getFullYear()}-${pad(d.getMonth() + 1)}`)
    }
  }
  return out.map((value) => ({ value, label: periodLabel(value) }))
}

/**
 * The statistics table of a period as xlsx (reports.rs): the monthly table
 * of a month, the quarterly summary of a quarter; the server has no table
 * for other periods.
 */
export function statTablePath(period: string, region: number | null): string | null {
  const kind = periodKindOf(period)
  const which = kind === 'month' ? 'monthly' : kind === 'quarter' ? 'quarterly' : null
  if (!which) return null
  const q = new URLSearchParams({ period, format: 'xlsx' })
  if (region !== null) q.set('region', String(region))
  return `/reports/${which}?${q.toString()}`
}
