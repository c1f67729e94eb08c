// Records in the office's words: the audit log's actions, kinds of record
// and field changes, and the ledgers' linked records, by name and label —
// never an English code or a bare number.

import { describe, expect, it } from 'vitest'
import { actionLabel, changeText, changesOf, entityLabels, formatValue, textLabel } from '../src/components/records'
import { actorText, auditColumns, entryChanges, objectText, type AuditEntry } from '../src/components/system/audit'

const names = { 'unit:12': '区市场监督管理局', 'activity:806': '2026-12-06 区市场监督管理局 宋超', 'user:4': '刘联络', 'official:3': '宋超', 'official:4': '黄丽华' }

describe('the audit log in Chinese', () => {
  it('names every action and kind of record the server audits', () => {
    // The codes written by crates/zlc-store (audit::Change) and the problem life cycle.
    for (const a of ['create', 'update', 'delete', 'revoke', 'change-password', 'reset-password', 'activate', 'import', 'demo', 'attach', 'file', 'submitted', 'published', 'cancelled', 'start', 'submit', 'verify', 'reject', 'review', 'set-deadline', 'return', 'set-email', 'confirm', 'dismiss']) {
      expect(actionLabel(a), a).toMatch(/^[\u4e00-\u9fa5]+$/)
    }
    for (const e of ['unit', 'official', 'item', 'plan', 'activity', 'problem', 'need', 'measure', 'user', 'role', 'session', 'api_token', 'policy', 'calendar', 'import', 'demo', 'submission', 'finding']) {
      expect(entityLabels[e], e).toMatch(/^[\u4e00-\u9fa5]+$/)
    }
    expect(actionLabel('revoke', 'session')).toBe('强制下线')
    expect(actionLabel('submit', 'submission')).toBe('报送')
    expect(actionLabel('submit', 'problem')).toBe('提交验收')
    expect(actionLabel('something-new')).toBe('其他操作')
  })

  it('shows a change field by field with labels, vocabulary and names', () => {
    const e: AuditEntry = {
      seq: 9,
      at: new Date(2026, 11, 6, 11, 0).getTime(),
      actor: 'liaison-a',
      actor_name: '刘联络',
      ip: '127.0.0.1',
      action: 'update',
      entity: 'problem',
      entity_id: '15',
      before: { status: 'pending', handler_id: null, unit_id: 12, version: 1, description: '材料重复提交' },
      after: { status: 'in-progress', handler_id: 4, unit_id: 12, version: 2, description: '材料重复提交' },
      hash: 'ab',
      object_label: '材料重复提交',
      names,
    }
    expect(entryChanges(e).map(changeText)).toEqual(['经办人：（空） → 刘联络', '状态：待整改 → 整改中'])
    expect(actorText(e)).toBe('刘联络（liaison-a）')
    expect(objectText(e)).toBe('材料重复提交')
    const csv = auditColumns.map((c) => String(c.value(e)))
    expect(csv.slice(2, 8)).toEqual(['刘联络（liaison-a）', '127.0.0.1', '修改', '问题', '材料重复提交', '经办人：（空） → 刘联络；状态：待整改 → 整改中'])
  })

  it('lists what a new record set, and the system by what it did', () => {
    const plan: AuditEntry = {
      seq: 1,
      at: 0,
      actor: 'system:demo',
      actor_name: '系统（演示数据）',
      ip: 'local',
      action: 'create',
      entity: 'plan',
      entity_id: '7',
      before: null,
      after: { unit_id: 12, official_ids: [3, 4], kind: 'window', mode: 'window', slot: 'am', place: 'window', place_note: null, date: '2026-12-13' },
      hash: 'cd',
      names,
    }
    expect(entryChanges(plan).map(changeText)).toEqual([
      '单位：区市场监督管理局',
      '领导干部：宋超、黄丽华',
      '活动类型：坐窗口',
      '体验方式：驻窗办',
      '日期：2026-12-13',
      '时段：上午',
      '地点：窗口',
    ])
    expect(actorText(plan)).toBe('系统（演示数据）')
    const demo = { ...plan, action: 'demo', entity: 'demo', entity_id: null, after: { scale: 'small', problems: 2414 } }
    expect(objectText(demo)).toBe('规模：小规模（一个区）')
    expect(entryChanges(demo).map(changeText)).toEqual(['规模：小规模（一个区）', '问题：2414'])
  })
})

describe('linked records', () => {
  it('read by name, or as gone, never as a number', () => {
    expect(formatValue('problem', 'activity_id', 806, names)).toBe('2026-12-06 区市场监督管理局 宋超')
    expect(formatValue('problem', 'other_units', '12,13', names)).toBe('区市场监督管理局、（已删除的单位）')
    expect(formatValue('problem', 'activity_id', 5, {})).not.toMatch(/\d/)
  })

  it('cut a long text to its first words', () => {
    expect(textLabel('窗口要求重复提交营业执照复印件')).toBe('窗口要求重复提交营业执照复印件')
    expect(textLabel('一二三四五六七八九十一二三四五六七八九十一二三四五六', 24)).toBe('一二三四五六七八九十一二三四五六七八九十一二三四…')
  })

  it('compare unchanged records as unchanged', () => {
    expect(changesOf('need', { content: 'a', status: 'open' }, { content: 'a', status: 'open' })).toEqual([])
  })
})
