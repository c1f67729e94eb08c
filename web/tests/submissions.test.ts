// 报送 in the web app: the states in words and colours, the counts, which
// row offers which action to whom, where the page starts, the reason for
// 退回; then the page itself against a fake server.

import { describe, expect, it } from 'vitest'
import type { Permission, SubmissionRow } from '../src/api/types'
import {
  boardRights,
  boardSummary,
  missingUnits,
  periodFor,
  reasonError,
  reportOptions,
  rowActions,
  shownReason,
  startAt,
  submissionTag,
  urgeQuestion,
  urgedText,
} from '../src/components/submissions/submissions'

const row = (status: SubmissionRow['status'], extra: Partial<SubmissionRow> = {}): SubmissionRow => ({
  unit_id: 4,
  unit_name: '市场监管局',
  status,
  status_label: { 'not-submitted': '未报送', submitted: '已报送', late: '逾期报送', returned: '已退回' }[status] ?? status,
  overdue: false,
  submission_id: status === 'not-submitted' ? null : 17,
  version: status === 'not-submitted' ? null : 2,
  submitted_at: status === 'not-submitted' ? null : 1_727_000_000_000,
  returned_reason: null,
  ...extra,
})

const holding = (...perms: Permission[]) => boardRights((p) => perms.includes(p))
const lead = holding('report:read', 'problem:write', 'finding:review')
const liaison = holding('report:read', 'problem:write')
const reader = holding('report:read')

describe('states and counts', () => {
  it('colours 未报送 red, 已报送 green, 逾期报送 yellow, 已退回 grey', () => {
    expect(['not-submitted', 'submitted', 'late', 'returned', 'other'].map(submissionTag)).toEqual(['danger', 'success', 'warning', 'info', 'info'])
  })

  it('lists the four counts in order, in words, as the server counted them', () => {
    expect(boardSummary({ not_submitted: 3, submitted: 5, late: 1, returned: 2 })).toEqual([
      { value: 'not-submitted', label: '未报送', tag: 'danger', count: 3 },
      { value: 'submitted', label: '已报送', tag: 'success', count: 5 },
      { value: 'late', label: '逾期报送', tag: 'warning', count: 1 },
      { value: 'returned', label: '已退回', tag: 'info', count: 2 },
    ])
  })

  it('urges the units not in and those returned', () => {
    expect(missingUnits({ not_submitted: 3, returned: 2 })).toBe(5)
    expect(missingUnits({ not_submitted: 0, returned: 0 })).toBe(0)
    const b = { period_label: '2024年第三季度', report_name: '三张清单', not_submitted: 3, returned: 2 }
    expect(urgeQuestion(b)).toBe('2024年第三季度「三张清单」尚有 5 个单位未报送（其中 2 个被退回待重新报送），将向这些单位发送催报消息。确定催报？')
    expect(urgeQuestion({ ...b, returned: 0 })).toBe('2024年第三季度「三张清单」尚有 3 个单位未报送，将向这些单位发送催报消息。确定催报？')
    expect(urgedText(5)).toBe('已向 5 个单位催报')
    expect(urgedText(0)).toBe('各单位均已报送，无需催报')
  })
})

describe('who may do what', () => {
  it('lets the lead office urge and return, a unit’s account submit, a reader nothing', () => {
    expect(lead).toEqual({ review: true, submit: false })
    expect(liaison).toEqual({ review: false, submit: true })
    expect(reader).toEqual({ review: false, submit: false })
  })

  it('offers 退回 to the lead office on a package that is in, at a version it can name', () => {
    expect(rowActions(row('submitted'), lead)).toEqual({ submit: false, return: true })
    expect(rowActions(row('late'), lead)).toEqual({ submit: false, return: true })
    expect(rowActions(row('returned'), lead).return).toBe(false)
    expect(rowActions(row('not-submitted'), lead).return).toBe(false)
    expect(rowActions(row('submitted', { version: null }), lead).return).toBe(false)
  })

  it('offers 报送 to a unit’s account while its package is not in or was returned', () => {
    expect(rowActions(row('not-submitted'), liaison)).toEqual({ submit: true, return: false })
    expect(rowActions(row('returned'), liaison)).toEqual({ submit: true, return: false })
    expect(rowActions(row('submitted'), liaison)).toEqual({ submit: false, return: false })
    expect(rowActions(row('late'), liaison)).toEqual({ submit: false, return: false })
  })

  it('offers nothing to whoever only reads', () => {
    for (const s of ['not-submitted', 'submitted', 'late', 'returned']) expect(rowActions(row(s), reader)).toEqual({ submit: false, return: false })
  })

  it('shows the reason of a package only while it stands returned', () => {
    expect(shownReason(row('returned', { returned_reason: '数据有误请核对' }))).toBe('数据有误请核对')
    expect(shownReason(row('submitted', { returned_reason: '数据有误请核对' }))).toBe('')
  })
})

describe('the reason for 退回', () => {
  it('asks for one of at least 4 characters, spaces aside', () => {
    expect(reasonError('')).toBe('请填写退回原因')
    expect(reasonError('   ')).toBe('请填写退回原因')
    expect(reasonError(' 数据有误 ')).toBe('')
    expect(reasonError('数据错')).toBe('退回原因至少 4 个字')
    // Characters, not UTF-16 units.
    expect(reasonError('𠮷𠮷𠮷')).toBe('退回原因至少 4 个字')
  })
})

describe('where the page starts', () => {
  const options = reportOptions([
    { code: 'monthly-stats', name: '月度统计表', period: 'month', to: '区政务服务局' },
    { code: 'quarterly-lists', name: '三张清单', period: 'quarter' },
  ])
  const now = new Date(2024, 9, 15)

  it('reads the policy’s reports with the kind of their periods', () => {
    expect(options).toEqual([
      { code: 'monthly-stats', name: '月度统计表', kind: 'month' },
      { code: 'quarterly-lists', name: '三张清单', kind: 'quarter' },
    ])
    expect(reportOptions(undefined)).toEqual([])
  })

  it('starts at the first report and its current period', () => {
    expect(startAt(options, {}, now)).toEqual({ report: 'monthly-stats', period: '2024-10' })
    expect(startAt([], {}, now)).toBeNull()
  })

  it('starts where a link asks when the policy has it, the period only when of the report’s kind', () => {
    expect(startAt(options, { report: 'quarterly-lists', period: '2024Q3' }, now)).toEqual({ report: 'quarterly-lists', period: '2024Q3' })
    expect(startAt(options, { report: 'quarterly-lists', period: '2024-09' }, now)).toEqual({ report: 'quarterly-lists', period: '2024Q4' })
    expect(startAt(options, { report: 'gone', period: '2024Q3' }, now)).toEqual({ report: 'monthly-stats', period: '2024-10' })
  })

  it('keeps the period on a change of report when of the same kind', () => {
    expect(periodFor('quarter', '2024Q2', now)).toBe('2024Q2')
    expect(periodFor('month', '2024Q2', now)).toBe('2024-10')
    expect(periodFor('half', '2024Q2', now)).toBe('2024H2')
  })
})
