// Which open rectifications the dashboard shows: those past their deadline
// (red, the longest overdue first) and those due within a few days (yellow,
// the nearest first).

import { deadlineClass, DUE_SOON_DAYS } from '../ledgers/vocab'
import type { Problem } from '../../api/types'

/** What the split reads of a problem; `overdue` is the server's judgement: past the deadline and not closed. */
export type DueRow = Pick<Problem, 'id' | 'deadline' | 'overdue'>

export function splitDue<T extends DueRow>(rows: T[], today: string, soonDays = DUE_SOON_DAYS): { late: T[]; soon: T[] } {
  const seen = new Set<number>()
  const late: T[] = []
  const soon: T[] = []
  for (const r of rows) {
    if (seen.has(r.id)) continue
    seen.add(r.id)
    const mark = deadlineClass(r.deadline, false, today, soonDays)
    if (r.overdue || mark === 'late') late.push(r)
    else if (mark === 'due-soon') soon.push(r)
  }
  const byDeadline = (a: T, b: T) => (a.deadline ?? '').localeCompare(b.deadline ?? '') || a.id - b.id
  return { late: late.sort(byDeadline), soon: soon.sort(byDeadline) }
}
