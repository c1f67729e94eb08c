// The "what else is planned that day" hint of the plan form.

import { describe, expect, it } from 'vitest'
import { dayLoad, outcomeType } from '../src/components/plans/types'
import type { Plan } from '../src/api/types'

const plan = (id: number, date: string, window_unit_id: number | null, official_ids: number[], status: Plan['status'] = 'published') => ({
  id,
  date,
  status,
  window_unit_id,
  official_ids,
})

describe('dayLoad', () => {
  const month = [
    plan(1, '2024-03-05', 3, [10]),
    plan(2, '2024-03-05', 3, [11, 10]),
    plan(3, '2024-03-05', 9, [12]),
    plan(4, '2024-03-05', 3, [13], 'cancelled'),
    plan(5, '2024-03-06', 3, [14]),
  ]

  it('counts the other live plans of the day and those at the same window', () => {
    expect(dayLoad(month, { date: '2024-03-05', windowUnitId: 3, selfId: null, officialIds: [15] })).toEqual({
      plans: 3,
      atWindow: 2,
      windowOfficials: 3, // 10, 11 and the new 15
    })
  })

  it('leaves the plan being edited out of its own count', () => {
    expect(dayLoad(month, { date: '2024-03-05', windowUnitId: 3, selfId: 2, officialIds: [11] })).toEqual({
      plans: 2,
      atWindow: 1,
      windowOfficials: 2,
    })
  })

  it('says nothing about a window when none is chosen', () => {
    expect(dayLoad(month, { date: '2024-03-06', windowUnitId: null, selfId: null, officialIds: [1] })).toEqual({
      plans: 1,
      atWindow: 0,
      windowOfficials: 0,
    })
  })
})

describe('outcomeType', () => {
  it('colours plan against actual', () => {
    expect(outcomeType('missed')).toBe('danger')
    expect(outcomeType('done')).toBe('success')
    expect(outcomeType('draft')).toBe('info')
  })
})
