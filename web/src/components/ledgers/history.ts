// 办理过程 of a need or a measure: the server's history (each write from the
// audit trail, `GET /needs/{id}/history`, `GET /measures/{id}/history`) turned
// into what the timeline shows — who, when, what was done, and each changed
// field as 字段：旧值 → 新值 in Chinese.

import { label, measureStatus, needSources, needStatus } from '../../labels'
import { dateTime } from './vocab'

/** One write as the server answers it (HistoryStep, ledgers.rs). */
export interface HistoryStep {
  /** Milliseconds since the epoch. */
  at: number
  actor: string
  /** create | update */
  action: string
  /** The fields that changed: name → [before, after]. */
  changes: Record<string, unknown>
}

export type LedgerKind = 'need' | 'measure'

/** The fields of a need (NeedOut), in the order the drawer shows them. */
export const needFields: Record<string, string> = {
  id: '编号',
  unit_id: '单位',
  raised_by: '提出方',
  raised_on: '提出日期',
  content: '需求内容',
  status: '状态',
  response: '回应情况',
  closed_on: '办结日期',
  problem_id: '关联问题',
  activity_id: '发现于活动',
}

/** The fields of a measure (MeasureOut), in the order the drawer shows them. */
export const measureFields: Record<string, string> = {
  id: '编号',
  unit_id: '单位',
  problem_id: '针对问题',
  need_id: '针对需求',
  activity_id: '发现于活动',
  content: '整改措施',
  status: '状态',
  deadline: '完成时限',
  done_on: '完成日期',
  effect: '整改效果',
}

export const fieldsOf = (kind: LedgerKind) => (kind === 'need' ? needFields : measureFields)

/** What the timeline calls each kind of write. */
export const historyActions: Record<string, string> = { create: '登记', update: '修改' }

/** Fields that say nothing to a reader (the server drops most; these too). */
const BOOKKEEPING = new Set(['id', 'version', 'created_by', 'created_at', 'updated_at', 'unit_path', 'region_id'])

/** How an empty value reads. */
export const EMPTY = '（空）'

/** Resolves a unit id to its name (lists.ts `unitName` in the page). */
export type UnitNamer = (id: number) => string

/** A field's value as a reader sees it: vocabulary codes as labels, references as 问题 #5. */
export function formatValue(kind: LedgerKind, field: string, value: unknown, unitName: UnitNamer = (id) => `#${id}`): string {
  if (value === null || value === undefined || value === '') return EMPTY
  switch (field) {
    case 'status':
      return label(kind === 'need' ? needStatus : measureStatus, String(value))
    case 'raised_by':
      return label(needSources, String(value))
    case 'unit_id':
      return typeof value === 'number' ? unitName(value) : String(value)
    case 'problem_id':
      return `问题 #${value}`
    case 'need_id':
      return `需求 #${value}`
    case 'activity_id':
      return `活动 #${value}`
  }
  if (typeof value === 'boolean') return value ? '是' : '否'
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

/** One changed field, ready to show. */
export interface FieldChange {
  field: string
  label: string
  /** Empty for a field set when the record was created. */
  before: string
  after: string
}

/** One node of the timeline. */
export interface HistoryEntry {
  at: number
  time: string
  actor: string
  action: string
  actionLabel: string
  changes: FieldChange[]
}

/** The [before, after] pair of a change, tolerating a malformed one. */
function pair(v: unknown): [unknown, unknown] {
  return Array.isArray(v) && v.length === 2 ? [v[0], v[1]] : [null, v]
}

/**
 * The timeline of a record from its history, in the server's order (oldest
 * first). A creation lists the fields it set (those with a value); an update
 * lists each field as before → after. Fields come in the drawer's order, any
 * the page does not know after them by name.
 */
export function historyEntries(kind: LedgerKind, steps: HistoryStep[], unitName?: UnitNamer): HistoryEntry[] {
  const fields = fieldsOf(kind)
  const order = Object.keys(fields)
  const rank = (f: string) => {
    const i = order.indexOf(f)
    return i < 0 ? order.length : i
  }
  return steps.map((s) => {
    const created = s.action === 'create'
    const changes = Object.entries(s.changes ?? {})
      .filter(([f]) => !BOOKKEEPING.has(f))
      .map(([f, v]) => ({ f, v: pair(v) }))
      .filter(({ v }) => !created || formatValue(kind, '', v[1]) !== EMPTY)
      .sort((a, b) => rank(a.f) - rank(b.f) || a.f.localeCompare(b.f))
      .map(({ f, v }) => ({
        field: f,
        label: fields[f] ?? f,
        before: created ? '' : formatValue(kind, f, v[0], unitName),
        after: formatValue(kind, f, v[1], unitName),
      }))
    return {
      at: s.at,
      time: dateTime(s.at),
      actor: s.actor,
      action: s.action,
      actionLabel: historyActions[s.action] ?? s.action,
      changes,
    }
  })
}

/** A change as one line of text: 字段：旧值 → 新值 (or 字段：值 for a creation). */
export function changeText(c: FieldChange): string {
  return c.before ? `${c.label}：${c.before} → ${c.after}` : `${c.label}：${c.after}`
}

/** The unit ids a history mentions (before or after), to fetch their names. */
export function unitIdsOf(steps: HistoryStep[]): number[] {
  const ids = new Set<number>()
  for (const s of steps) {
    const v = s.changes?.unit_id
    if (v === undefined) continue
    for (const x of pair(v)) if (typeof x === 'number') ids.add(x)
  }
  return [...ids]
}
