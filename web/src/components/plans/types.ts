// Plans as the pages read them: the tag of a plan's outcome and what else
// is planned on a day.

import type { Plan } from '../../api/types'

/** Tag colour of a plan's plan-versus-actual status. */
export function outcomeType(outcome: string): 'info' | 'primary' | 'success' | 'danger' | 'warning' {
  switch (outcome) {
    case 'published':
      return 'primary'
    case 'submitted':
      return 'warning'
    case 'done':
      return 'success'
    case 'missed':
      return 'danger'
    case 'cancelled':
      return 'warning'
    default:
      return 'info'
  }
}

/** What else is planned on a day, shown while a plan is being written (the server's 扎堆 warning follows on save). */
export interface DayLoad {
  /** Other live plans on the day, in the caller's scope. */
  plans: number
  /** Of those, the ones at the same window unit. */
  atWindow: number
  /** Distinct officials at that window that day, this plan's included. */
  windowOfficials: number
}

export function dayLoad(
  plans: Pick<Plan, 'id' | 'date' | 'status' | 'window_unit_id' | 'official_ids'>[],
  day: { date: string; windowUnitId: number | null; selfId: number | null; officialIds: number[] },
): DayLoad {
  const others = plans.filter((p) => p.id !== day.selfId && p.date === day.date && p.status !== 'cancelled')
  const atWindow = day.windowUnitId === null ? [] : others.filter((p) => p.window_unit_id === day.windowUnitId)
  const officials = new Set([...day.officialIds, ...atWindow.flatMap((p) => p.official_ids)])
  return { plans: others.length, atWindow: atWindow.length, windowOfficials: atWindow.length ? officials.size : 0 }
}
