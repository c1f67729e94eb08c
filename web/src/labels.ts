// Chinese labels of the codes the API speaks (domain.md's vocabularies).

export const activityKinds: Record<string, string> = {
  walk: '走流程',
  window: '坐窗口',
  inspect: '跟执法（检查）',
  enforce: '跟执法',
  complaint: '处投诉',
}

export const problemStatus: Record<string, string> = {
  pending: '待整改',
  'in-progress': '整改中',
  'awaiting-verification': '已整改·待验收',
  closed: '已销号',
}

export const planStatus: Record<string, string> = {
  draft: '草稿',
  published: '已发布',
  cancelled: '已取消',
  done: '已完成',
  missed: '未开展',
}

export const activityStatus: Record<string, string> = {
  draft: '草稿',
  filed: '已报备',
}

export const ranks: Record<string, string> = {
  head: '主要负责同志',
  deputy: '分管负责同志',
  'section-chief': '科室负责人',
  staff: '工作人员',
}

export const slots: Record<string, string> = { am: '上午', pm: '下午', day: '全天' }

export const places: Record<string, string> = { hall: '政务大厅', window: '窗口', online: '网上', site: '现场' }

export function label(map: Record<string, string>, code: string | null | undefined): string {
  if (!code) return ''
  return map[code] ?? code
}
