// The 办理过程 of needs and measures: the server's history steps (who, when,
// action, changed fields as [before, after]) as the drawers' timeline reads
// them — Chinese field names, vocabulary labels, 旧值 → 新值.

import { describe, expect, it } from 'vitest'
import {
  EMPTY,
  changeText,
  formatValue,
  historyEntries,
  measureFields,
  needFields,
  type HistoryStep,
} from '../src/components/ledgers/history'
import { dateTime } from '../src/components/ledgers/vocab'

const at = new Date(2024, 2, 5, 9, 7).getTime()
const names = { 'unit:12': '区市场监督管理局', 'unit:13': '登记注册科', 'problem:5': '窗口要求重复提交复印件', 'need:3': '希望开通全程网办', 'activity:8': '2024-03-05 区市场监督管理局 宋超' }

describe('formatValue', () => {
  it('shows statuses and sources by their Chinese labels', () => {
    expect(formatValue('need', 'status', 'cannot-meet')).toBe('无法满足（已说明）')
    expect(formatValue('need', 'status', 'met')).toBe('已满足')
    expect(formatValue('measure', 'status', 'in-progress')).toBe('推进中')
    expect(formatValue('need', 'raised_by', 'staff')).toBe('一线工作人员')
  })
  it('names units and linked records by the names the server sent, never by number', () => {
    expect(formatValue('need', 'unit_id', 12, names)).toBe('区市场监督管理局')
    expect(formatValue('measure', 'problem_id', 5, names)).toBe('窗口要求重复提交复印件')
    expect(formatValue('measure', 'need_id', 3, names)).toBe('希望开通全程网办')
    expect(formatValue('need', 'activity_id', 8, names)).toBe('2024-03-05 区市场监督管理局 宋超')
    expect(formatValue('need', 'unit_id', 99, names)).toBe('（已删除的单位）')
    expect(formatValue('need', 'unit_id', 99, names)).not.toMatch(/\d/)
  })
  it('reads an empty value as such, and an unknown code as itself', () => {
    expect(formatValue('need', 'response', null)).toBe(EMPTY)
    expect(formatValue('need', 'response', '')).toBe(EMPTY)
    expect(formatValue('measure', 'deadline', undefined)).toBe(EMPTY)
    expect(formatValue('measure', 'status', 'paused')).toBe('paused')
    expect(formatValue('measure', 'content', '材料由 6 件减为 3 件')).toBe('材料由 6 件减为 3 件')
  })
})

describe('historyEntries', () => {
  const needHistory: HistoryStep[] = [
    {
      at,
      actor: 'demo-liaison',
      actor_name: '刘联络',
      action: 'create',
      names,
      changes: {
        id: [null, 41],
        created_by: [null, 2],
        activity_id: [null, null],
        closed_on: [null, null],
        content: [null, '希望开通个体工商户登记全程网办'],
        problem_id: [null, null],
        raised_by: [null, 'enterprise'],
        raised_on: [null, '2024-03-05'],
        response: [null, null],
        status: [null, 'open'],
        unit_id: [null, 12],
      },
    },
    {
      at: at + 60_000,
      actor: 'demo-official',
      // No display name: the timeline shows the login name.
      actor_name: '',
      action: 'update',
      names: {},
      // The server sends the fields sorted by name.
      changes: {
        closed_on: [null, '2024-03-06'],
        response: [null, '已于3月6日开通'],
        status: ['open', 'met'],
      },
    },
  ]

  it('keeps the order, names the action, the actor and the time', () => {
    const [created, updated] = historyEntries('need', needHistory)
    expect(created.actionLabel).toBe('登记')
    expect(created.actor).toBe('刘联络')
    expect(created.time).toBe(dateTime(at))
    expect(created.time).toBe('2024-03-05 09:07')
    expect(updated.actionLabel).toBe('修改')
    expect(updated.actor).toBe('demo-official')
  })

  it('lists what a creation set, without bookkeeping or empty fields, in the drawer order', () => {
    const [created] = historyEntries('need', needHistory)
    expect(created.changes.map(changeText)).toEqual([
      '单位：区市场监督管理局',
      '提出方：企业',
      '提出日期：2024-03-05',
      '需求内容：希望开通个体工商户登记全程网办',
      '状态：待回应',
    ])
  })

  it('shows an update as 字段：旧值 → 新值 in Chinese', () => {
    const [, updated] = historyEntries('need', needHistory)
    expect(updated.changes.map(changeText)).toEqual([
      '状态：待回应 → 已满足',
      `回应情况：${EMPTY} → 已于3月6日开通`,
      `办结日期：${EMPTY} → 2024-03-06`,
    ])
    expect(updated.changes[0]).toEqual({ field: 'status', label: '状态', before: '待回应', after: '已满足' })
  })

  it('labels measure fields, moves of the unit and fields it does not know', () => {
    const [e] = historyEntries(
      'measure',
      [
        {
          at,
          actor: 'demo-handler',
          actor_name: '',
          action: 'update',
          names,
          changes: {
            zz_new: ['a', 'b'],
            deadline: ['2024-03-31', '2024-04-30'],
            done_on: ['2024-03-20', null],
            effect: ['材料减为 3 件', ''],
            status: ['done', 'in-progress'],
            unit_id: [12, 13],
            updated_at: [1, 2],
            version: [1, 2],
          },
        },
      ],
    )
    expect(e.changes.map(changeText)).toEqual([
      '单位：区市场监督管理局 → 登记注册科',
      '状态：已完成 → 推进中',
      '完成时限：2024-03-31 → 2024-04-30',
      `完成日期：2024-03-20 → ${EMPTY}`,
      `整改效果：材料减为 3 件 → ${EMPTY}`,
      '其他字段：a → b',
    ])
  })

  it('takes an unknown action and a write that changed nothing as they are', () => {
    const [e] = historyEntries('measure', [{ at, actor: 'admin', actor_name: '', action: 'import', changes: {}, names: {} }])
    expect(e.actionLabel).toBe('其他操作')
    expect(e.changes).toEqual([])
  })
})

describe('field labels', () => {
  // NeedOut and MeasureOut of crates/zlc-server/src/ledgers.rs, less version
  // (bookkeeping) and status_label (the status again, in Chinese).
  it('name every field of NeedOut and MeasureOut', () => {
    expect(Object.keys(needFields).sort()).toEqual(
      ['id', 'unit_id', 'activity_id', 'problem_id', 'raised_by', 'content', 'response', 'status', 'raised_on', 'closed_on'].sort(),
    )
    expect(Object.keys(measureFields).sort()).toEqual(
      ['id', 'unit_id', 'problem_id', 'need_id', 'activity_id', 'content', 'deadline', 'done_on', 'effect', 'status'].sort(),
    )
  })
})
