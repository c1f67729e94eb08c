// 统计 (reports.rs): the statistics of a region, the records behind each
// figure, the findings and their review, the notice and the tables as files.

import { api, download, query, type Params } from '../api'
import { periodKindOf } from '../period'
import type { Case, Finding, NoticeBody, ProblemBreakdown, QueryOf, Report, ReviewBody, Schemas, StatTable } from './types'

export type RegionQuery = Params<QueryOf<'table'>>

/** 统计表 the table of a region for a period, a row per unit below it. */
export const getStatTable = (q: RegionQuery) => api.get<StatTable>('/reports/table', q)

/** 数据溯源 the records one figure counts, a page at a time (their shape depends on the figure). */
export const drillRecords = <T>(q: Params<QueryOf<'drill'>>) => api.get<DrillAnswer<T>>('/reports/drill', q)

/** The drill's answer; its rows are typed by the caller (the document leaves them open). */
export type DrillAnswer<T> = Omit<Schemas['Drill'], 'items'> & { items: T[] }

export const monthlyReport = (q: RegionQuery) => api.get<Report>('/reports/monthly', q)
export const quarterlyReport = (q: RegionQuery) => api.get<Report>('/reports/quarterly', q)
/** 问题分布 by category and by status now. */
export const problemBreakdown = (q: RegionQuery) => api.get<ProblemBreakdown>('/reports/problems', q)

/** 发现 the findings of a period, with their review. */
export const listFindings = (q: RegionQuery) => api.get<Finding[]>('/reports/findings', q)
/** 典型做法候选 the closed problems a notice may cite. */
export const listCases = (q: RegionQuery) => api.get<Case[]>('/reports/cases', q)
/** 审核 a finding confirmed, or dismissed with the reason. */
export const reviewFinding = (body: ReviewBody) => api.post<Finding>('/reports/findings/review', body)

/** 通报 as a Word document, saved under the server's name; returns the name. */
export const downloadNotice = (body: NoticeBody, fallback: string) => download('POST', '/reports/notice', body, fallback)

/**
 * The statistics table of a period as xlsx: the monthly table of a month,
 * the quarterly summary of a quarter; the server has no table for other
 * periods (null).
 */
export function statTablePath(period: string, region: number | null): string | null {
  const kind = periodKindOf(period)
  const which = kind === 'month' ? 'monthly' : kind === 'quarter' ? 'quarterly' : null
  if (!which) return null
  return `/reports/${which}${query({ period, format: 'xlsx', region })}`
}

/** Downloads the statistics table (statTablePath); null when the period has none. */
export async function downloadStatTable(period: string, region: number | null, fallback: string): Promise<string | null> {
  const path = statTablePath(period, region)
  return path ? download('GET', path, undefined, fallback) : null
}
