// The statistics page's logic: periods as the server spells them
// (src/period.ts) and the way from a figure of the table to
// the records it counts (components/stats/drill.ts).

import { describe, expect, it } from 'vitest'
import {
  currentPeriod,
  isPeriod,
  periodChoices,
  periodKindOf,
  periodLabel,
  periodRange,
} from '../src/period'
import { statTablePath } from '../src/api/reports'
import { isoDate } from '../src/components/activities/shared'
import {
  cellTarget,
  countUnit,
  drillQuery,
  figureColumns,
  kindColumns,
  recordsTotal,
  type DrillRecord,
  type TableRow,
} from '../src/components/stats/drill'

describe('periods', () => {
  it('accepts the server’s spellings only', () => {
    for (const p of ['2024', '2024H1', '2024H2', '2024Q1', '2024Q4', '2024-01', '2024-12', ' 2024Q2 ']) expect(isPeriod(p), p).toBe(true)
    for (const p of ['2024Q5', '2024-13', '2024-00', '2024-3', '24Q1', '2024H3', '2024年', '']) expect(isPeriod(p), p).toBe(false)
  })

  it('tells months, quarters and years apart; halves are none of them', () => {
    expect(periodKindOf('2024-03')).toBe('month')
    expect(periodKindOf('2024Q1')).toBe('quarter')
    expect(periodKindOf('2024')).toBe('year')
    expect(periodKindOf('2024H1')).toBeNull()
    expect(periodKindOf('2024-3')).toBeNull()
  })

  it('finds the period a day falls in', () => {
    const d = new Date(2024, 10, 30) // 30 November 2024
    expect(currentPeriod('month', d)).toBe('2024-11')
    expect(currentPeriod('quarter', d)).toBe('2024Q4')
    expect(currentPeriod('year', d)).toBe('2024')
    expect(currentPeriod('quarter', new Date(2025, 0, 1))).toBe('2025Q1')
    expect(currentPeriod('quarter', new Date(2025, 2, 31))).toBe('2025Q1')
    expect(currentPeriod('quarter', new Date(2025, 3, 1))).toBe('2025Q2')
  })

  it('knows the days of every kind of period, the end being the day after', () => {
    const days = (p: string) => {
      const r = periodRange(p)
      return r && [isoDate(r.start), isoDate(r.end)]
    }
    expect(days('2024')).toEqual(['2024-01-01', '2025-01-01'])
    expect(days('2024H2')).toEqual(['2024-07-01', '2025-01-01'])
    expect(days('2024Q1')).toEqual(['2024-01-01', '2024-04-01'])
    expect(days('2024Q4')).toEqual(['2024-10-01', '2025-01-01'])
    expect(days('2024-02')).toEqual(['2024-02-01', '2024-03-01'])
    expect(days(' 2024-12 ')).toEqual(['2024-12-01', '2025-01-01'])
    expect(days('2024-13')).toBeNull()
    expect(days('2024Q5')).toBeNull()
  })

  it('names periods in Chinese', () => {
    expect(periodLabel('2024-03')).toBe('2024年3月')
    expect(periodLabel('2024-11')).toBe('2024年11月')
    expect(periodLabel('2024Q1')).toBe('2024年第一季度')
    expect(periodLabel('2024Q4')).toBe('2024年第四季度')
    expect(periodLabel('2024H2')).toBe('2024年下半年')
    expect(periodLabel('2024')).toBe('2024年')
    expect(periodLabel('whatever')).toBe('whatever')
  })

  it('offers the current period first and goes back across years', () => {
    const d = new Date(2025, 1, 10) // February 2025
    expect(periodChoices('quarter', d, 3).map((c) => c.value)).toEqual(['2025Q1', '2024Q4', '2024Q3', '2024Q2'])
    expect(periodChoices('month', d, 2)).toEqual([
      { value: '2025-02', label: '2025年2月' },
      { value: '2025-01', label: '2025年1月' },
      { value: '2024-12', label: '2024年12月' },
    ])
    expect(periodChoices('year', d, 1).map((c) => c.value)).toEqual(['2025', '2024'])
    // The defaults: two years of months, three of quarters, five years back.
    expect(periodChoices('month', d)).toHaveLength(25)
    expect(periodChoices('quarter', d)).toHaveLength(13)
    expect(periodChoices('year', d).at(-1)?.value).toBe('2020')
  })

  it('exports the monthly table of a month and the quarterly summary of a quarter, nothing else', () => {
    expect(statTablePath('2024-03', null)).toBe('/reports/monthly?period=2024-03&format=xlsx')
    expect(statTablePath('2024Q1', 5)).toBe('/reports/quarterly?period=2024Q1&format=xlsx&region=5')
    expect(statTablePath('2024', 5)).toBeNull()
    expect(statTablePath('2024H1', null)).toBeNull()
  })
})

function row(over: Partial<TableRow> = {}): TableRow {
  return {
    unit_id: 4,
    unit: '区市场监督管理局',
    activities: 9,
    by_kind: { walk: 4, window: 3, inspect: 1, enforce: 1, complaint: 0 },
    participations: 12,
    visitors: 30,
    items_experienced: 6,
    items: ['个体工商户登记'],
    enforce_participations: 2,
    enforce_content: ['食品安全检查'],
    problems_found: 5,
    problems_solved: 2,
    problems_found_closed: 1,
    problems_closed_old: 1,
    rectification_rate: 0.2,
    needs: 3,
    overdue: 1,
    findings: 0,
    grade: '良好',
    score: 84,
    score_parts: [],
    grade_reason: '得分84分，评为良好',
    ...over,
  }
}

describe('drilling into a figure', () => {
  it('targets the cell’s unit and figure, with the number shown', () => {
    const t = cellTarget(row(), figureColumns.found, false)
    expect(t).toEqual({ figure: 'problems_found', kind: undefined, unit: 4, unitName: '区市场监督管理局', shown: 5, label: '发现问题' })
    const total = cellTarget(row({ unit_id: 1, unit: '某某区' }), figureColumns.enforce, true)
    expect(total.unitName).toBe('某某区（合计）')
    expect(total.shown).toBe(2)
    expect(total.figure).toBe('enforce')
    // 其中已销号 opens the problems found in the period and closed, counted in 个.
    const closed = cellTarget(row(), figureColumns.foundClosed, false)
    expect([closed.figure, closed.shown, countUnit(closed.figure)]).toEqual(['problems_found_closed', 1, '个'])
  })

  it('has one column per activity kind, reading that kind’s count', () => {
    expect(kindColumns.map((c) => c.kind)).toEqual(['walk', 'window', 'inspect', 'enforce', 'complaint'])
    expect(kindColumns.map((c) => c.value(row()))).toEqual([4, 3, 1, 1, 0])
    expect(kindColumns[1].label).toBe('坐窗口')
    const t = cellTarget(row(), kindColumns[1], false)
    expect([t.figure, t.kind, t.shown]).toEqual(['activities', 'window', 3])
  })

  it('asks for one page of the target, narrowing to a kind only for figures counted from activities', () => {
    const byKind = cellTarget(row(), kindColumns[0], false)
    expect(drillQuery(byKind, '2024Q1', 1)).toEqual({ period: '2024Q1', region: 1, unit: 4, figure: 'activities', kind: 'walk' })
    expect(drillQuery(byKind, '2024Q1', 1, { cursor: 'abc', limit: 50 })).toEqual({
      period: '2024Q1',
      region: 1,
      unit: 4,
      figure: 'activities',
      kind: 'walk',
      cursor: 'abc',
      limit: 50,
    })
    // A kind on a problem figure is not sent (the server would refuse it).
    expect(drillQuery({ ...cellTarget(row(), figureColumns.solved, false), kind: 'walk' }, '2024-03', 1)).toEqual({
      period: '2024-03',
      region: 1,
      unit: 4,
      figure: 'problems_solved',
    })
    expect(drillQuery(byKind, '2024Q1', 1, { cursor: null }).cursor).toBeUndefined()
  })

  it('adds up people over the activities listed, and counts the other records', () => {
    const acts: DrillRecord[] = [
      { id: 1, visitors: 12, official_ids: [1, 2] },
      { id: 2, visitors: null, official_ids: [3] },
      { id: 3, visitors: 5 },
    ]
    expect(recordsTotal('visitors', acts)).toBe(17)
    expect(recordsTotal('participations', acts)).toBe(3)
    expect(recordsTotal('enforce', acts)).toBe(3)
    expect(recordsTotal('activities', acts)).toBe(3)
    expect(recordsTotal('problems_found', [{ id: 9 }])).toBe(1)
  })

  it('counts each figure in its own unit', () => {
    expect(countUnit('activities')).toBe('次')
    expect(['participations', 'visitors', 'enforce'].map(countUnit)).toEqual(['人次', '人次', '人次'])
    expect(['problems_found', 'problems_solved', 'overdue'].map(countUnit)).toEqual(['个', '个', '个'])
    expect(countUnit('officials')).toBe('名')
    expect(countUnit('needs')).toBe('项')
    expect(countUnit('items_experienced')).toBe('项')
  })
})
