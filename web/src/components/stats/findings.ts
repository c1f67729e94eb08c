// 形式主义与合规发现 as GET /reports/findings answers them (report.rs Finding),
// with the supervisor's review.

import type { FindingReview } from '../../api/types'

export type { Finding, FindingRecord, FindingReview } from '../../api/types'

/** How a finding's review reads: 待审核, 已确认, 已排除. */
export function reviewLabel(review: FindingReview | null | undefined): string {
  if (!review) return '待审核'
  return review.decision === 'dismissed' ? '已排除' : '已确认'
}
