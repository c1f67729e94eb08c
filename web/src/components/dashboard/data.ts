// How the dashboard and the statistics write their figures.

/** A rate 0..1 as `87.5%`, or `—` when there is none. */
export function percent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return '—'
  const p = Math.round(rate * 1000) / 10
  return `${p}%`
}
