// The statistics table (GET /reports/table) and the way from each of its
// figures to the records it counts (GET /reports/drill).

import { activityKinds } from '../../labels'
import type { DrillAnswer } from '../../api/reports'
import type { ByKind, QueryOf, TableRow } from '../../api/types'

export type { StatTable, TableRow } from '../../api/types'

export const kindOrder = ['walk', 'window', 'inspect', 'enforce', 'complaint'] as const satisfies readonly (keyof ByKind)[]
export type ActivityKindCode = (typeof kindOrder)[number]

/** A figure the drill-down can list the records of (reports.rs DrillQuery.figure). */
export type Figure =
  | 'activities'
  | 'participations'
  | 'visitors'
  | 'enforce'
  | 'officials'
  | 'items_experienced'
  | 'problems_found'
  | 'problems_found_closed'
  | 'problems_solved'
  | 'overdue'
  | 'needs'

/** A figure of the table shown as a cell: how to read it from a row, which drill lists it. */
export interface FigureColumn {
  /** Unique among the columns, for data-test and keys. */
  key: string
  /** The column's header. */
  label: string
  /** The figure's full name, for the drawer's title. */
  title: string
  figure: Figure
  /** For the activities of one kind. */
  kind?: ActivityKindCode
  value: (r: TableRow) => number
}

export const figureColumns = {
  participations: { key: 'participations', label: '参与人次', title: '参与人次', figure: 'participations', value: (r) => r.participations },
  visitors: { key: 'visitors', label: '接待企业群众(人次)', title: '接待企业群众', figure: 'visitors', value: (r) => r.visitors },
  items: { key: 'items_experienced', label: '数量', title: '体验事项', figure: 'items_experienced', value: (r) => r.items_experienced },
  enforce: { key: 'enforce', label: '次数', title: '参与执法', figure: 'enforce', value: (r) => r.enforce_participations },
  found: { key: 'problems_found', label: '发现', title: '发现问题', figure: 'problems_found', value: (r) => r.problems_found },
  solved: { key: 'problems_solved', label: '销号', title: '销号问题（含旧账）', figure: 'problems_solved', value: (r) => r.problems_solved },
  foundClosed: { key: 'problems_found_closed', label: '其中已销号', title: '发现已销号', figure: 'problems_found_closed', value: (r) => r.problems_found_closed },
  activities: { key: 'activities', label: '合计', title: '活动次数', figure: 'activities', value: (r) => r.activities },
  needs: { key: 'needs', label: '收集需求', title: '收集需求', figure: 'needs', value: (r) => r.needs },
  overdue: { key: 'overdue', label: '逾期', title: '逾期未整改', figure: 'overdue', value: (r) => r.overdue },
} satisfies Record<string, FigureColumn>

/** 活动次数 by kind, one column each. */
export const kindColumns: FigureColumn[] = kindOrder.map((k) => ({
  key: `activities-${k}`,
  label: activityKinds[k],
  title: `${activityKinds[k]}活动`,
  figure: 'activities',
  kind: k,
  value: (r) => r.by_kind[k] ?? 0,
}))

/** What one drill-down is of: a figure of one row. */
export interface DrillTarget {
  figure: Figure
  kind?: string
  /** The row's unit (the region itself for the total). */
  unit: number
  unitName: string
  /** The figure as the table showed it, to compare with the records' count. */
  shown?: number
  /** The column's name, for the drawer's title. */
  label: string
}

/** The query of GET /reports/drill for a target, one page at a time. */
export function drillQuery(
  t: DrillTarget,
  period: string,
  region: number,
  page: { cursor?: string | null; limit?: number } = {},
): QueryOf<'drill'> {
  const q: QueryOf<'drill'> = { period, region, unit: t.unit, figure: t.figure }
  // The figures counted from activities narrow to a kind; the others have none.
  if (t.kind && ['activities', 'participations', 'visitors'].includes(t.figure)) q.kind = t.kind
  if (page.cursor) q.cursor = page.cursor
  if (page.limit) q.limit = page.limit
  return q
}

/** The target of one cell. */
export function cellTarget(row: TableRow, col: FigureColumn, isTotal: boolean): DrillTarget {
  return {
    figure: col.figure,
    kind: col.kind,
    unit: row.unit_id,
    unitName: isTotal ? `${row.unit}（合计）` : row.unit,
    shown: col.value(row),
    label: col.title,
  }
}

/** The records a drill-down answers (reports.rs Drill), each as the drawer reads it. */
export type Drill = DrillAnswer<DrillRecord>

/**
 * The fields the drawer shows of each kind of record (a record carries
 * more): the document leaves the drill's rows open, as they are activities,
 * problems, needs, officials or items depending on the figure.
 */
export interface DrillRecord {
  id: number
  unit_id?: number
  // activities
  date?: string
  kind_label?: string
  mode_label?: string
  place?: string | null
  visitors?: number | null
  official_ids?: number[]
  content?: string | null
  // problems
  found_on?: string
  description?: string
  /** A problem's or need's status code (the drill lists the stored records, without labels). */
  status?: string
  deadline?: string | null
  closed_on?: string | null
  // needs
  raised_on?: string
  // officials and items
  name?: string
  title?: string | null
  item_type?: string | null
  unit?: string
}

/**
 * What the records themselves add up to, for the figures that are not a
 * plain count of records: people (visitors) and participations sum over
 * the activities; the others count the records.
 */
export function recordsTotal(figure: string, records: DrillRecord[]): number {
  if (figure === 'visitors') return records.reduce((n, r) => n + (r.visitors ?? 0), 0)
  if (figure === 'participations' || figure === 'enforce') return records.reduce((n, r) => n + (r.official_ids?.length ?? 0), 0)
  return records.length
}

/** The unit of the drawer's count: 次, 人次, 个, 项, 名. */
export function countUnit(figure: string): string {
  switch (figure) {
    case 'activities':
      return '次'
    case 'participations':
    case 'visitors':
    case 'enforce':
      return '人次'
    case 'officials':
      return '名'
    case 'problems_found':
    case 'problems_found_closed':
    case 'problems_solved':
    case 'overdue':
      return '个'
    default:
      return '项'
  }
}
