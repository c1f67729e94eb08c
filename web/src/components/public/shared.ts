// What the dashboard and the public page share: local dates, quarters and
// months and status colours.

/** A local date as YYYY-MM-DD (the server counts days in local time). */
export function ymd(d: Date): string {
  const m = String(d.getMonth() + 1).padStart(2, '0')
  const day = String(d.getDate()).padStart(2, '0')
  return `${d.getFullYear()}-${m}-${day}`
}

export function today(): string {
  return ymd(new Date())
}

/** A YYYY-MM-DD date moved by `n` calendar days. */
export function addDays(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number)
  return ymd(new Date(y, m - 1, d + n))
}

/** The quarter (`2026Q4`) a date falls in. */
export function quarterOf(d: Date = new Date()): string {
  return `${d.getFullYear()}Q${Math.floor(d.getMonth() / 3) + 1}`
}

/** A quarter moved by `n` quarters. */
export function shiftQuarter(period: string, n: number): string {
  const [y, q] = period.split('Q').map(Number)
  const index = y * 4 + (q - 1) + n
  return `${Math.floor(index / 4)}Q${(index % 4) + 1}`
}

const quarterNames = ['一', '二', '三', '四']

/** `2026Q4` → 2026年第四季度. */
export function quarterLabel(period: string): string {
  const [y, q] = period.split('Q').map(Number)
  return `${y}年第${quarterNames[q - 1]}季度`
}

/** Quarters to choose from, newest first: the next one back to `back` ago. */
export function quarterOptions(back = 7): { value: string; label: string }[] {
  const now = quarterOf()
  const out = []
  for (let n = 1; n >= -back; n--) {
    const value = shiftQuarter(now, n)
    out.push({ value, label: quarterLabel(value) })
  }
  return out
}

/** The last `n` months (`2026-06` … `2026-11`), oldest first, ending with the current one. */
export function lastMonths(n: number): string[] {
  const now = new Date()
  const out = []
  for (let i = n - 1; i >= 0; i--) {
    const d = new Date(now.getFullYear(), now.getMonth() - i, 1)
    out.push(`${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`)
  }
  return out
}

/** The tag colour of a problem status. */
export function statusTagType(status: string): 'danger' | 'warning' | 'primary' | 'success' | 'info' {
  switch (status) {
    case 'pending':
      return 'danger'
    case 'in-progress':
      return 'warning'
    case 'awaiting-verification':
      return 'primary'
    case 'closed':
      return 'success'
    default:
      return 'info'
  }
}

/** The most rows a public page reads of a quarter (200 at a time). */
export const PUBLIC_MAX = 2000
