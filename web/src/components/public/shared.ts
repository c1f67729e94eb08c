// What the dashboard and the public page share: local dates and status
// colours (quarters and months: src/period.ts).

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
