// 审计日志 in the office's words: who (by name), did what (操作), to which
// record (对象类型 and the record's name), and what changed field by field
// (字段：修改前 → 修改后), for the table, its expanded rows and the export.

import { actionLabel, changeText, changesOf, entityLabels, fieldLabel, formatValue, type FieldChange } from '../records'
import { dateTime } from '../ledgers/vocab'
import type { CsvColumn } from '../ledgers/csv'
import type { AuditEntry } from '../../api/types'

export type { AuditEntry }

const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {})

/** Where the change came from: the machine itself reads as 本机. */
export const ipText = (ip: string) => (ip === 'local' ? '本机' : ip)

/** Who made the change, by name, the login after it when they differ. */
export function actorText(e: AuditEntry): string {
  const name = e.actor_name || e.actor
  return name !== e.actor && !e.actor.startsWith('system:') ? `${name}（${e.actor}）` : name
}

/** The record the entry is about, by name; records without one by what they are. */
export function objectText(e: AuditEntry): string {
  if (e.object_label) return e.object_label
  const a = obj(e.after)
  switch (e.entity) {
    case 'policy':
    case 'role':
      return typeof a.name === 'string' ? a.name : ''
    case 'calendar':
      return e.entity_id ? `${e.entity_id}年` : ''
    case 'import':
      return typeof a.kind === 'string' ? formatValue('import', 'kind', a.kind) : ''
    case 'demo':
      return typeof a.scale === 'string' ? `规模：${formatValue('demo', 'scale', a.scale)}` : ''
    default:
      return ''
  }
}

/**
 * What the entry changed, field by field. A status move, an attachment or a
 * revocation records only what it did; those read from `after` alone.
 */
export function entryChanges(e: AuditEntry): FieldChange[] {
  if (e.action === 'attach') {
    const a = obj(e.after)
    return [{ field: 'name', label: '附件', before: '', after: typeof a.name === 'string' ? a.name : '' }]
  }
  return changesOf(e.entity, e.before ?? null, e.after ?? null, e.names ?? {})
}

/** The entries as the audit administrator exports them (CSV). */
export const auditColumns: CsvColumn<AuditEntry>[] = [
  { header: '序号', value: (e) => e.seq },
  { header: '时间', value: (e) => dateTime(e.at) },
  { header: '操作人', value: (e) => actorText(e) },
  { header: 'IP 地址', value: (e) => ipText(e.ip) },
  { header: '操作', value: (e) => actionLabel(e.action, e.entity) },
  { header: '对象类型', value: (e) => entityLabels[e.entity] ?? '其他' },
  { header: '对象', value: (e) => objectText(e) },
  { header: '变更内容', value: (e) => entryChanges(e).map(changeText).join('；') },
  { header: '哈希', value: (e) => e.hash },
]

export { actionLabel, entityLabels, fieldLabel }
