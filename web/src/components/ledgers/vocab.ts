// Labels of the ledgers' vocabularies (crates/zlc-domain/src/ledger.rs and
// kinds.rs Disposition), and the small helpers the three ledger pages share.

import { onBeforeUnmount, onMounted, ref } from 'vue'

export const problemSources: Record<string, string> = {
  public: '企业群众提出',
  staff: '工作人员反映',
  'self-check': '窗口自查发现',
  hotline: '12345热线',
  rating: '好差评',
  petition: '信访',
  opinion: '舆情',
  inspection: '巡视巡察',
  audit: '审计',
  walk: '走流程发现',
  other: '其他',
}

export const problemCategories: Record<string, string> = {
  process: '流程环节',
  materials: '要件材料',
  certificates: '证明材料',
  intermediary: '中介服务',
  supporting: '配套服务',
  'data-sharing': '数据共享',
  coordination: '业务协同',
  attitude: '服务态度',
  facilities: '设施环境',
  policy: '政策制度',
  online: '网上办事',
  enforcement: '执法规范',
  other: '其他',
}

export const dispositions: Record<string, string> = {
  immediate: '立行立改',
  deadline: '限期整改',
  escalate: '需上级统筹',
}

export const needSources: Record<string, string> = {
  enterprise: '企业',
  citizen: '群众',
  staff: '一线工作人员',
}

export const needStatus: Record<string, string> = {
  open: '待回应',
  answered: '已回应',
  met: '已满足',
  'cannot-meet': '无法满足（已说明）',
}

export const measureStatus: Record<string, string> = {
  planned: '计划中',
  'in-progress': '推进中',
  done: '已完成',
}

export const problemActions: Record<string, string> = {
  create: '登记',
  start: '开始整改',
  submit: '提交整改',
  verify: '验收销号',
  reject: '退回',
  review: '回头看',
  'set-deadline': '调整时限',
}

/** Options for an el-select from a label map. */
export function options(map: Record<string, string>): { value: string; label: string }[] {
  return Object.entries(map).map(([value, label]) => ({ value, label }))
}

/** Element Plus tag type for a status code. */
export function statusTag(code: string): 'info' | 'warning' | 'primary' | 'success' | 'danger' {
  switch (code) {
    case 'pending':
    case 'open':
    case 'planned':
      return 'danger'
    case 'in-progress':
    case 'answered':
      return 'warning'
    case 'awaiting-verification':
      return 'primary'
    case 'closed':
    case 'met':
    case 'done':
      return 'success'
    default:
      return 'info'
  }
}

/** Local day as YYYY-MM-DD. */
export function isoDay(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`
}

/**
 * The deadline's mark: "late" when past and the record is still open,
 * "due-soon" when it falls within the next 3 days; "" otherwise.
 */
export function deadlineClass(deadline: string | null | undefined, closed: boolean, today = isoDay()): string {
  if (!deadline || closed) return ''
  if (deadline < today) return 'late'
  const soon = new Date(`${today}T00:00:00`)
  soon.setDate(soon.getDate() + 3)
  return deadline <= isoDay(soon) ? 'due-soon' : ''
}

/** Milliseconds since the epoch as local date and time. */
export function dateTime(ms: number): string {
  const d = new Date(ms)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${isoDay(d)} ${p(d.getHours())}:${p(d.getMinutes())}`
}

/** Whether the window is phone-sized (drawers and dialogs go full width). */
export function useMobile() {
  const isMobile = ref(false)
  const update = () => (isMobile.value = window.innerWidth <= 768)
  onMounted(() => {
    update()
    window.addEventListener('resize', update)
  })
  onBeforeUnmount(() => window.removeEventListener('resize', update))
  return isMobile
}
