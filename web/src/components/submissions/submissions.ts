// What the 报送 page decides without the server: the states of a unit's
// row in words and colours, the counts above the table, which actions a row
// offers to whom, the reports to choose from and the period to start at, and
// the check of a reason for 退回.

import type { Permission, SubmissionBoard, SubmissionRow } from '../../api/types'
import type { PolicyReport } from '../../api/policy'
import { currentPeriod, parsePeriod, type AnyPeriodKind } from '../../period'

/** 报送状态 as the server sends it. */
export type SubmissionStatus = 'not-submitted' | 'submitted' | 'late' | 'returned'

type TagType = 'danger' | 'success' | 'warning' | 'info'

/** 报送状态 in words and colours, in the order of the counts above the table. */
export const submissionStatuses: { value: SubmissionStatus; label: string; tag: TagType }[] = [
  { value: 'not-submitted', label: '未报送', tag: 'danger' },
  { value: 'submitted', label: '已报送', tag: 'success' },
  { value: 'late', label: '逾期报送', tag: 'warning' },
  { value: 'returned', label: '已退回', tag: 'info' },
]

/** The tag colour of a row's state; grey for anything unknown. */
export function submissionTag(status: string): TagType {
  return submissionStatuses.find((s) => s.value === status)?.tag ?? 'info'
}

/** The counts above the table: each state with its number of units, as the server counted them. */
export function boardSummary(
  board: Pick<SubmissionBoard, 'not_submitted' | 'submitted' | 'late' | 'returned'>,
): { value: SubmissionStatus; label: string; tag: TagType; count: number }[] {
  const counts: Record<SubmissionStatus, number> = {
    'not-submitted': board.not_submitted,
    submitted: board.submitted,
    late: board.late,
    returned: board.returned,
  }
  return submissionStatuses.map((s) => ({ ...s, count: counts[s.value] }))
}

/** How many units 一键催报 reaches: those not in yet, and those returned (the server urges both). */
export function missingUnits(board: Pick<SubmissionBoard, 'not_submitted' | 'returned'>): number {
  return board.not_submitted + board.returned
}

/** Who may do what on the board. */
export interface BoardRights {
  /** 牵头单位 (`finding:review`): 一键催报 and 退回. */
  review: boolean
  /** A unit's account (`problem:write` without `finding:review`): 报送 its own package. */
  submit: boolean
}

export function boardRights(can: (permission: Permission) => boolean): BoardRights {
  const review = can('finding:review')
  return { review, submit: !review && can('problem:write') }
}

/** The buttons a row offers. */
export interface RowActions {
  submit: boolean
  return: boolean
}

/**
 * 报送 on a unit's own row while it is not in or was returned; 退回 for the
 * lead office on a package that is in (on time or late) and that it can
 * name at its version.
 */
export function rowActions(row: Pick<SubmissionRow, 'status' | 'submission_id' | 'version'>, rights: BoardRights): RowActions {
  const isIn = row.status === 'submitted' || row.status === 'late'
  return {
    submit: rights.submit && (row.status === 'not-submitted' || row.status === 'returned'),
    return: rights.review && isIn && row.submission_id != null && row.version != null,
  }
}

/** The reason shown for a row: only while it stands returned (a package handed in again keeps its old reason on the server). */
export function shownReason(row: Pick<SubmissionRow, 'status' | 'returned_reason'>): string {
  return row.status === 'returned' ? row.returned_reason || '' : ''
}

/** The shortest reason for 退回 the server takes, in characters. */
export const MIN_REASON = 4

/** What is wrong with a reason for 退回, or '' when the server will take it. */
export function reasonError(reason: string): string {
  const n = [...reason.trim()].length
  if (!n) return '请填写退回原因'
  if (n < MIN_REASON) return `退回原因至少 ${MIN_REASON} 个字`
  return ''
}

/** The reports to choose from: the active policy's, each with the kind of its periods. */
export function reportOptions(reports: PolicyReport[] | undefined): { code: string; name: string; kind: AnyPeriodKind }[] {
  return (reports ?? []).map((r) => ({ code: r.code, name: r.name, kind: r.period }))
}

/**
 * Where the page starts: the report and period asked for (a link's
 * `?report=&period=`) when the policy has that report and the period is of
 * its kind; else the report asked for, or the first, at its current period.
 */
export function startAt(
  options: { code: string; kind: AnyPeriodKind }[],
  asked: { report?: unknown; period?: unknown },
  now = new Date(),
): { report: string; period: string } | null {
  const chosen = options.find((o) => o.code === asked.report) ?? options[0]
  if (!chosen) return null
  const p = typeof asked.period === 'string' ? parsePeriod(asked.period) : null
  const period = chosen.code === asked.report && p?.kind === chosen.kind ? (asked.period as string) : currentPeriod(chosen.kind, now)
  return { report: chosen.code, period }
}

/** The period when the report changes to one of `kind`: the one shown when of that kind, else the current one. */
export function periodFor(kind: AnyPeriodKind, shown: string, now = new Date()): string {
  return parsePeriod(shown)?.kind === kind ? shown : currentPeriod(kind, now)
}

/** What 一键催报 asks before it sends: which report of which period, and how many units it reaches. */
export function urgeQuestion(board: Pick<SubmissionBoard, 'period_label' | 'report_name' | 'not_submitted' | 'returned'>): string {
  const returned = board.returned ? `（其中 ${board.returned} 个被退回待重新报送）` : ''
  return `${board.period_label}「${board.report_name}」尚有 ${missingUnits(board)} 个单位未报送${returned}，将向这些单位发送催报消息。确定催报？`
}

/** The success message after 催报. */
export function urgedText(units: number): string {
  return units ? `已向 ${units} 个单位催报` : '各单位均已报送，无需催报'
}
