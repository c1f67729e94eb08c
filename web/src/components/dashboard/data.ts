// The record shapes the dashboard reads and a reader of every page of a list.

import { api, type FieldError, type Page } from '../../api'

export interface PlanOut {
  id: number
  unit_id: number
  kind: string
  kind_label: string
  date: string
  slot: string
  place: string
  place_note: string | null
  status: string
}

/** 报备检查 of a draft activity. */
export interface FilingOut {
  can_file: boolean
  missing: FieldError[]
  due: string
  late: boolean
}

export interface ActivityOut {
  id: number
  unit_id: number
  kind_label: string
  mode_label: string
  date: string
  content: string | null
  filing: FilingOut | null
}

export interface ProblemOut {
  id: number
  unit_id: number
  category: string
  description: string
  status: string
  status_label: string
  deadline: string | null
  overdue: boolean
}

export interface ReportUnitRow {
  unit: string
  activities: number
  problems_found: number
  problems_solved: number
  overdue: number
  grade: string
}

/** The monthly and quarterly statistics (interface.md "report"). */
export interface Report {
  period: string
  region: string
  activities: number
  by_kind: Record<string, number>
  visitors_received: number
  problems_found: number
  problems_solved: number
  needs: number
  units: ReportUnitRow[]
}

export interface ProblemBreakdown {
  by_category: { category: string; count: number }[]
  by_status: { status: string; label: string; count: number }[]
}

/** Every row of a list, following `next_cursor` up to `maxPages` pages of 200. */
export async function fetchAll<T>(path: string, params: Record<string, unknown>, maxPages = 10): Promise<T[]> {
  const rows: T[] = []
  let cursor: string | null = null
  for (let n = 0; n < maxPages; n++) {
    const page: Page<T> = await api.get<Page<T>>(path, { ...params, limit: 200, cursor })
    rows.push(...page.items)
    cursor = page.next_cursor
    if (!cursor) break
  }
  return rows
}
