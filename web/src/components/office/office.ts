// The seeds' Excel tables (office.rs; requests in api/office.ts): which role
// may import or export which table, and the answers put into words — the
// import summary and the table of row errors.

import { ApiError } from '../../api'
import type { SheetKind } from '../../api/office'
import type { ImportSummary, Permission } from '../../api/types'
import { sheetKinds } from '../../labels'

export type { ImportSummary, SheetKind }

/** What an import of each kind needs (office.rs import_permissions): all of them. */
export const importPermissions: Record<SheetKind, Permission[]> = {
  items: ['item:write'],
  units: ['unit:write'],
  'window-schedule': ['plan:write'],
  ledger: ['activity:write', 'problem:write'],
  'window-stats': ['activity:write', 'problem:write'],
  lists: ['activity:write', 'problem:write'],
}

/** What an export of each kind needs (office.rs export_permissions). */
export const exportPermissions: Record<SheetKind, Permission[]> = {
  items: ['item:read'],
  units: ['unit:read'],
  'window-schedule': ['plan:read'],
  ledger: ['activity:read', 'problem:read'],
  'window-stats': ['activity:read', 'problem:read'],
  lists: ['activity:read', 'problem:read'],
}

/** The seed each table reproduces (SheetKind::seed), for the dialogs' hints. */
export const sheetSeeds: Record<SheetKind, string> = {
  items: '001 附件2',
  ledger: '001 附件3',
  'window-schedule': '001 坐窗口 附件2',
  'window-stats': '001 坐窗口 附件3',
  lists: '003 附件2',
  units: '001 附件1 / 003 附件1',
}

export function sheetLabel(kind: SheetKind): string {
  return sheetKinds[kind] ?? kind
}

/** The kinds of `kinds` whose permissions the role holds all of. */
export function allowed(kinds: SheetKind[], perms: Record<SheetKind, Permission[]>, can: (p: Permission) => boolean): SheetKind[] {
  return kinds.filter((k) => perms[k].every(can))
}

/** The summary's figures, in words, those that are not zero (rows always). */
export function summaryFigures(s: ImportSummary): { key: string; label: string; value: number }[] {
  const verb = s.dry_run ? '将新增' : '新增'
  const all: [keyof ImportSummary, string][] = [
    ['activities', `${verb}活动（次）`],
    ['problems', `${verb}问题（个）`],
    ['needs', `${verb}需求（项）`],
    ['measures', `${verb}措施（项）`],
    ['plans', `${verb}计划（项）`],
    ['items', `${verb}事项（项）`],
    ['items_updated', s.dry_run ? '将更新事项（项）' : '更新事项（项）'],
    ['units', `${verb}单位（个）`],
    ['units_updated', s.dry_run ? '将更新单位（个）' : '更新单位（个）'],
    ['officials_added', `${verb}人员（名，表中有而单位原无）`],
    ['items_added', `${verb}事项（项，表中有而单位原无）`],
    ['sections_added', `${verb}科室（个，表中有而单位原无）`],
    ['activities_updated', s.dry_run ? '将补全活动（次）' : '补全活动（次）'],
    ['problems_updated', s.dry_run ? '将补全问题（个）' : '补全问题（个）'],
    ['unchanged', '已导入过、无变化的行'],
  ]
  const out = [{ key: 'rows', label: '读取行数', value: s.rows }]
  for (const [key, label] of all) {
    const value = s[key]
    if (typeof value === 'number' && value > 0) out.push({ key, label, value })
  }
  return out
}

/** One sentence saying what the import did, or would do. */
export function summarySentence(s: ImportSummary): string {
  const changed = summaryFigures(s).filter((f) => f.key !== 'rows' && f.key !== 'unchanged')
  if (s.dry_run) {
    if (!changed.length) return `检查通过：共 ${s.rows} 行，均已导入过，再次导入不会改变任何数据。${submittedSentence(s)}`
    return `检查通过：共 ${s.rows} 行，没有错误，可以导入。此次检查未写入任何数据。${sectionsSentence(s)}${submittedSentence(s)}`
  }
  if (!changed.length) return `导入完成：共 ${s.rows} 行，均已导入过，没有新增或改变任何数据。${submittedSentence(s)}`
  return `导入完成：共 ${s.rows} 行已写入，已记入导入日志。${sectionsSentence(s)}${submittedSentence(s)}`
}

/** 作为报送: whether the table counted (or, checked, would count) as its unit's submission. */
export function submittedSentence(s: ImportSummary): string {
  if (!s.submitted) return ''
  return s.dry_run ? '材料完整，导入时将作为该单位的报送。' : '已作为该单位的报送，相应期间的记录已锁定。'
}

/** 新增科室 N：… the sections an import created, named, or nothing. */
export function sectionsSentence(s: ImportSummary): string {
  const names = s.sections_added_names ?? []
  if (!s.sections_added) return ''
  return `${s.dry_run ? '将新增' : '新增'}科室 ${s.sections_added}：${names.join('、')}。`
}

/** One row of the error table: where in the file, and why. */
export interface ImportErrorRow {
  sheet: string
  row: number | null
  column: string
  reason: string
}

/**
 * The rows of the error table from a refusal: each row error as the server
 * placed it (工作表, 行, 列); a refusal of the whole file (not an xlsx, the
 * unit, a bad query) as a row without a place.
 */
export function errorRows(e: unknown): ImportErrorRow[] {
  if (!(e instanceof ApiError)) return [{ sheet: '', row: null, column: '', reason: e instanceof Error ? e.message : String(e) }]
  if (!e.errors.length) return [{ sheet: '', row: null, column: '', reason: e.detail }]
  const rows = e.errors.map((x) => ({
    sheet: x.sheet ?? '',
    row: typeof x.row === 'number' ? x.row : null,
    column: x.column ?? (x.row === undefined ? fieldLabel(x.field) : ''),
    reason: x.message,
  }))
  // In the order of the file: the sheets as the server met them (it reads
  // them in order), each by row; placeless refusals first.
  const sheetAt = new Map<string, number>()
  for (const r of rows) if (!sheetAt.has(r.sheet)) sheetAt.set(r.sheet, r.sheet ? sheetAt.size + 1 : 0)
  return rows.sort((a, b) => (sheetAt.get(a.sheet) ?? 0) - (sheetAt.get(b.sheet) ?? 0) || (a.row ?? 0) - (b.row ?? 0))
}

/** The Chinese name of a query field the import refused as a whole. */
function fieldLabel(field: string): string {
  const names: Record<string, string> = {
    file: '文件',
    unit: '导入到单位',
    unit_id: '导入到单位',
    kind: '表格类型',
    name: '文件名',
    submit_report: '报送事项',
    submit_period: '报送期间',
    report: '报送事项',
    period: '报送期间',
  }
  return names[field] ?? field
}

/** Whether a refusal is about the rows of the file (nothing was written), not the request. */
export function isRowRefusal(e: unknown): boolean {
  return e instanceof ApiError && e.status === 422
}
