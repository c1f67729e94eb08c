// 办理过程 of a need or a measure: the server's history (each write from the
// audit trail, `GET /needs/{id}/history`, `GET /measures/{id}/history`) turned
// into what the timeline shows — who (by display name), when, what was done,
// and each changed field as 字段：旧值 → 新值 in Chinese, the records it
// refers to by name (records.ts).

import { EMPTY, changeText, changesOf, fieldLabels, formatValue as formatRecordValue, type FieldChange, type Names } from '../records'
import { dateTime } from './vocab'
import type { HistoryStep } from '../../api/types'

export { EMPTY, changeText, type FieldChange, type HistoryStep, type Names }

export type LedgerKind = 'need' | 'measure'

/** The fields of a need (NeedOut), in the order the drawer shows them. */
export const needFields: Record<string, string> = { id: '编号', ...fieldLabels.need }

/** The fields of a measure (MeasureOut), in the order the drawer shows them. */
export const measureFields: Record<string, string> = { id: '编号', ...fieldLabels.measure }

export const fieldsOf = (kind: LedgerKind) => (kind === 'need' ? needFields : measureFields)

/** What the timeline calls each kind of write. */
export const historyActions: Record<string, string> = { create: '登记', update: '修改' }

/** A field's value as a reader sees it: vocabulary codes as labels, references by name. */
export function formatValue(kind: LedgerKind, field: string, value: unknown, names: Names = {}): string {
  return formatRecordValue(kind, field, value, names)
}

/** One node of the timeline. */
export interface HistoryEntry {
  at: number
  time: string
  /** Who, by display name. */
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
 * lists each field as before → after, in the drawer's order.
 */
export function historyEntries(kind: LedgerKind, steps: HistoryStep[]): HistoryEntry[] {
  return steps.map((s) => {
    const created = s.action === 'create'
    const before: Record<string, unknown> = {}
    const after: Record<string, unknown> = {}
    for (const [f, v] of Object.entries(s.changes ?? {})) {
      const [b, a] = pair(v)
      before[f] = b
      after[f] = a
    }
    return {
      at: s.at,
      time: dateTime(s.at),
      actor: s.actor_name || s.actor,
      action: s.action,
      actionLabel: historyActions[s.action] ?? '其他操作',
      changes: changesOf(kind, created ? null : before, after, s.names ?? {}),
    }
  })
}
