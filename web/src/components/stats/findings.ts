// 形式主义与合规发现 as GET /reports/findings answers them (report.rs Finding),
// with the supervisor's review.

/** 溯源记录 a record behind a finding. */
export interface FindingRecord {
  kind: 'activity' | 'problem' | 'official'
  id: number
  text: string
}

/** 审核意见 a supervisor's decision on a finding. */
export interface FindingReview {
  decision: 'confirmed' | 'dismissed'
  reason: string
  by: string
  at: string
}

export interface Finding {
  kind: string
  unit: string
  unit_id: number
  row_unit: string
  row_unit_id: number
  detail: string
  reason: string
  records: FindingRecord[]
  record_count: number
  key: string
  review: FindingReview | null
}

/** How a finding's review reads: 待审核, 已确认, 已排除. */
export function reviewLabel(review: FindingReview | null | undefined): string {
  if (!review) return '待审核'
  return review.decision === 'dismissed' ? '已排除' : '已确认'
}
