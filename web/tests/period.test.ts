// The one reader of periods (src/period.ts) every page uses: what it
// accepts, and the quarter and month helpers built on it.

import { describe, expect, it } from 'vitest'
import { currentPeriod, isPeriod, lastMonths, parsePeriod, periodChoices, periodKindOf, periodLabel, quarterOf, quarterOptions, shiftQuarter } from '../src/period'

describe('parsePeriod', () => {
  it('reads each spelling the server takes', () => {
    expect(parsePeriod('2026')).toEqual({ kind: 'year', year: 2026, index: 0 })
    expect(parsePeriod('2026H2')).toEqual({ kind: 'half', year: 2026, index: 2 })
    expect(parsePeriod('2026Q3')).toEqual({ kind: 'quarter', year: 2026, index: 3 })
    expect(parsePeriod('2026-07')).toEqual({ kind: 'month', year: 2026, index: 7 })
  })

  it('refuses anything else, spaces included (the callers that accept them trim first)', () => {
    for (const p of ['2026Q0', '2026Q5', '2026-7', '2026-13', '2026H0', '26Q1', '2026q3', '2026Q3 ', '', '第三季度']) expect(parsePeriod(p), p).toBeNull()
    expect(isPeriod(' 2026Q3 ')).toBe(true)
    expect(periodKindOf(' 2026Q3')).toBeNull()
  })
})

describe('quarters and months', () => {
  it('moves a quarter across years, and leaves what is not a quarter', () => {
    expect(shiftQuarter('2026Q4', 1)).toBe('2027Q1')
    expect(shiftQuarter('2026Q1', -1)).toBe('2025Q4')
    expect(shiftQuarter('2026Q2', -6)).toBe('2024Q4')
    expect(shiftQuarter('2026-07', 1)).toBe('2026-07')
  })

  it('offers the next quarter first, back to `back` quarters ago, by their Chinese names', () => {
    const now = new Date(2026, 7, 15)
    expect(quarterOf(now)).toBe('2026Q3')
    expect(quarterOptions(2, now)).toEqual([
      { value: '2026Q4', label: '2026年第四季度' },
      { value: '2026Q3', label: '2026年第三季度' },
      { value: '2026Q2', label: '2026年第二季度' },
      { value: '2026Q1', label: '2026年第一季度' },
    ])
    expect(quarterOptions(7, new Date(2026, 11, 31))[0].value).toBe('2027Q1')
  })

  it('lists the last months oldest first, ending with the current one', () => {
    expect(lastMonths(3, new Date(2026, 0, 20))).toEqual(['2025-11', '2025-12', '2026-01'])
  })

  it('names only what it reads, and leaves the rest as it is', () => {
    expect(periodLabel('2026-07')).toBe('2026年7月')
    expect(periodLabel('2026-13')).toBe('2026-13')
  })
})

describe('halves (a report of the policy may run by the half year)', () => {
  it('finds the half a day falls in', () => {
    expect(currentPeriod('half', new Date(2026, 0, 1))).toBe('2026H1')
    expect(currentPeriod('half', new Date(2026, 5, 30))).toBe('2026H1')
    expect(currentPeriod('half', new Date(2026, 6, 1))).toBe('2026H2')
  })

  it('offers the current half first, back across years, by their Chinese names', () => {
    expect(periodChoices('half', new Date(2026, 2, 3), 2)).toEqual([
      { value: '2026H1', label: '2026年上半年' },
      { value: '2025H2', label: '2025年下半年' },
      { value: '2025H1', label: '2025年上半年' },
    ])
    expect(periodChoices('half', new Date(2026, 8, 1))).toHaveLength(7)
  })
})
