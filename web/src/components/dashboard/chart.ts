/** What a click on a chart's data item says: its series, its index and its name. */
export interface ChartClick {
  seriesIndex: number
  seriesName: string
  dataIndex: number
  name: string
}

/** Text made safe for a chart tooltip, which ECharts renders as HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c)
}

/** A unit's 整改率 row as its tooltip reads: the unit's name escaped (names are typed by people). */
export function rateTooltip(u: { unit: string; rate: number; problems_found: number; problems_found_closed: number; overdue: number }): string {
  return `${escapeHtml(u.unit)}<br/>整改率 ${u.rate}%<br/>本季度发现 ${u.problems_found} 个，已销号 ${u.problems_found_closed} 个，逾期 ${u.overdue} 个`
}
