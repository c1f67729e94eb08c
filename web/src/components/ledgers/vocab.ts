// The small helpers the three ledger pages share: action names, status tag
// colours, deadline marks and dates (the vocabularies live in labels.ts).

export const problemActions: Record<string, string> = {
  create: '登记',
  start: '开始整改',
  submit: '提交验收',
  verify: '验收销号',
  reject: '退回',
  review: '回头看',
  'set-deadline': '调整时限',
  // The reminder ladder (督办), written by the system (actor 督办提醒).
  remind: '到期提醒',
  urge: '催办',
  escalate: '督办',
}

/** The timeline's steps of the reminder ladder: they tell, the status stays as it was. */
export const reminderActions: ReadonlySet<string> = new Set(['remind', 'urge', 'escalate'])

/** Element Plus tag type for a status code. */
export function statusTag(code: string): 'info' | 'warning' | 'primary' | 'success' | 'danger' {
  switch (code) {
    case 'pending':
    case 'open':
    case 'planned':
      return 'danger'
    case 'in-progress':
    case 'answered':
      return 'warning'
    case 'awaiting-verification':
      return 'primary'
    case 'closed':
    case 'met':
    case 'done':
      return 'success'
    default:
      return 'info'
  }
}

/** Local day as YYYY-MM-DD. */
export function isoDay(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`
}

/** How many calendar days ahead a deadline counts as close (marked yellow). */
export const DUE_SOON_DAYS = 3

/**
 * The deadline's mark: "late" (red) when past and the record is still open,
 * "due-soon" (yellow) from today to `soonDays` days ahead; "" otherwise.
 */
export function deadlineClass(
  deadline: string | null | undefined,
  closed: boolean,
  today = isoDay(),
  soonDays = DUE_SOON_DAYS,
): '' | 'late' | 'due-soon' {
  if (!deadline || closed) return ''
  if (deadline < today) return 'late'
  const soon = new Date(`${today}T00:00:00`)
  soon.setDate(soon.getDate() + soonDays)
  return deadline <= isoDay(soon) ? 'due-soon' : ''
}

/** Milliseconds since the epoch as local date and time. */
export function dateTime(ms: number): string {
  const d = new Date(ms)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${isoDay(d)} ${p(d.getHours())}:${p(d.getMinutes())}`
}

