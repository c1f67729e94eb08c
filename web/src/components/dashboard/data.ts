// The record shapes the dashboard reads and a reader of every page of a list.

import { api, fetchAll, type FieldError, type Page } from '../../api'

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

/** 评分项 one part of a grade's score. */
export interface ScorePart {
  label: string
  detail: string
  points: number
}

export interface ReportUnitRow {
  unit: string
  unit_id: number
  activities: number
  problems_found: number
  problems_solved: number
  /** Found in the period and closed by its end (or today). */
  problems_found_closed: number
  /** 整改率 0..1; null when nothing was found. */
  rectification_rate: number | null
  overdue: number
  findings: number
  grade: string
  score: number | null
  score_parts: ScorePart[]
  grade_reason: string
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
  problems_found_closed: number
  /** 销号旧账: found before the period, closed in it. */
  problems_closed_old: number
  rectification_rate: number | null
  rectification_rate_definition: string
  needs: number
  units: ReportUnitRow[]
}

/** A rate 0..1 as `87.5%`, or `—` when there is none. */
export function percent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return '—'
  const p = Math.round(rate * 1000) / 10
  return `${p}%`
}

export interface ProblemBreakdown {
  by_category: { category: string; count: number }[]
  by_status: { status: string; label: string; count: number }[]
}

export { fetchAll }
