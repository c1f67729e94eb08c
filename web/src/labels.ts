// Chinese labels of the codes the API speaks: the vocabularies of
// crates/zlc-domain (the `vocab!` types named beside each map). The web
// pages read them only from here; tests/labels.test.ts checks each map
// against the Rust source, code for code.

/** 活动类型 (ActivityKind) */
export const activityKinds: Record<string, string> = {
  walk: '走流程',
  window: '坐窗口',
  inspect: '检验办',
  enforce: '跟执法',
  complaint: '处投诉',
}

/** 体验方式 (Mode) */
export const modes: Record<string, string> = {
  self: '亲身办',
  proxy: '代理办',
  accompany: '陪同办',
  cross: '交叉走',
  window: '驻窗办',
  inspect: '检验办',
  'enforcement-officer': '执法人员',
  'hotline-handler': '投诉处理人员',
}

/** In what identity the official takes part, by mode (domain.md's kinds and modes). */
export const modeRoles: Record<string, string> = {
  self: '以企业群众身份亲自办理（亲身办·模拟）',
  proxy: '代企业群众办理（代理办·帮办）',
  accompany: '陪同企业群众全程办理（陪同办·陪伴）',
  cross: '到其他部门、其他地区交叉体验（交叉走）',
  window: '以窗口工作人员身份受理办件（驻窗办）',
  inspect: '以监督人员身份检验窗口服务（检验办）',
  'enforcement-officer': '以一线执法人员身份参与执法（跟执法）',
  'hotline-handler': '以12345热线处理人员身份处理投诉（处投诉）',
}

/** The activity kind each mode belongs to (Mode::kind). */
export const modeKind: Record<string, string> = {
  self: 'walk',
  proxy: 'walk',
  accompany: 'walk',
  cross: 'walk',
  window: 'window',
  inspect: 'inspect',
  'enforcement-officer': 'enforce',
  'hotline-handler': 'complaint',
}

/** 办理渠道 (Channel) */
export const channels: Record<string, string> = {
  window: '窗口',
  online: '网上',
  mobile: '移动端',
  kiosk: '自助端',
  hotline: '热线',
  'on-site': '现场',
}

/** 触发方式 (Trigger) */
export const triggers: Record<string, string> = { regular: '定期', instant: '即时', tracking: '跟踪' }

/** 职级 (Rank) */
export const ranks: Record<string, string> = {
  head: '主要负责人',
  deputy: '分管负责人',
  'section-chief': '业务科长',
  staff: '业务骨干',
}

/** 整改状态 (ProblemStatus) */
export const problemStatus: Record<string, string> = {
  pending: '待整改',
  'in-progress': '整改中',
  'awaiting-verification': '已整改·待验收',
  closed: '已销号',
}

/** 问题类别 (ProblemCategory) */
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

/** 问题来源 (ProblemSource) */
export const problemSources: Record<string, string> = {
  walk: '走流程发现',
  public: '企业群众提出',
  staff: '工作人员反映',
  'self-check': '窗口自查发现',
  hotline: '12345热线',
  rating: '好差评',
  petition: '信访',
  opinion: '舆情',
  inspection: '巡视巡察',
  audit: '审计',
  other: '其他',
}

/** 处置方式 (Disposition) */
export const dispositions: Record<string, string> = {
  immediate: '立行立改',
  deadline: '限期整改',
  escalate: '需上级统筹',
}

/** 需求提出方 (NeedSource) */
export const needSources: Record<string, string> = {
  enterprise: '企业',
  citizen: '群众',
  staff: '一线工作人员',
}

/** 需求状态 (NeedStatus) */
export const needStatus: Record<string, string> = {
  open: '待回应',
  answered: '已回应',
  met: '已满足',
  'cannot-meet': '无法满足（已说明）',
}

/** 措施状态 (MeasureStatus) */
export const measureStatus: Record<string, string> = {
  planned: '计划中',
  'in-progress': '推进中',
  done: '已完成',
}

/** 计划状态 (PlanStatus) */
export const planStatus: Record<string, string> = {
  draft: '草稿',
  submitted: '待发布',
  published: '已发布',
  cancelled: '已取消',
  done: '已完成',
  missed: '未开展',
}

/** 时段 (HalfDay) */
export const slots: Record<string, string> = { am: '上午', pm: '下午', day: '全天' }

/** 地点 (Place) */
export const places: Record<string, string> = { hall: '政务大厅', window: '窗口', online: '网上', site: '现场' }

/** 单位类型 (UnitKind) */
export const unitKinds: Record<string, string> = {
  region: '地区',
  department: '部门',
  enterprise: '企业',
  section: '科室',
  hall: '大厅',
}

/** 单位类别 (UnitCategory) */
export const unitCategories: Record<string, string> = {
  approval: '审批服务',
  enforcement: '行政执法',
  complaints: '投诉集中',
  'policy-making': '政策制定',
  'public-enterprise': '公共服务企业',
}

/** 督办层级 (Rung): what a message in the inbox is, lowest first. */
export const rungs: Record<string, string> = { remind: '提醒', urge: '催办', escalate: '督办' }

/**
 * 消息类型 what a message in the inbox is: a rung of the reminder ladder, or
 * one of 报送's (催报 to a unit still missing a report, 退回 of its package).
 */
export const messageKinds: Record<string, string> = { ...rungs, 'urge-report': '催报', return: '退回' }

/** 事项类型 (ItemType) */
export const itemTypes: Record<string, string> = {
  'one-thing': '高效办成一件事',
  integrated: '集成办',
  'cross-region': '跨域办',
  'high-frequency': '高频',
  other: '其他',
}

/** 权力类别 (PowerCategory) */
export const powerCategories: Record<string, string> = {
  licensing: '行政许可',
  confirmation: '行政确认',
  adjudication: '行政裁决',
  benefit: '行政给付',
  reward: '行政奖励',
  filing: '行政备案',
  'other-power': '其他行政权力',
  'public-service': '公共服务',
  'social-service': '其他社会服务',
}

/** 服务对象 (ServiceObject) */
export const serviceObjects: Record<string, string> = { enterprise: '企业', person: '个人', both: '企业和个人' }

/** 办理方式 (HandlingMode) */
export const handlingModes: Record<string, string> = { online: '线上', offline: '线下', both: '线上线下' }

/** 报表类型 (SheetKind): the seeds' tables that come in and go out as xlsx. */
export const sheetKinds: Record<string, string> = {
  items: '事项清单',
  ledger: '问题整改台账',
  'window-schedule': '坐窗口时间安排表',
  'window-stats': '坐窗口统计表',
  lists: '三个清单',
  units: '单位名单',
}

/** 发现类型 (FindingKind): formalism and compliance findings of a period. */
export const findingKinds: Record<string, string> = {
  'clustered-dates': '时间安排比较扎堆',
  'shallow-problem': '发现问题比较浮浅',
  'one-sided-modes': '体验事项比较单一',
  'perfunctory-rectification': '整改效果比较敷衍',
  'empty-walk': '空走',
  overdue: '整改逾期',
  'missing-walk': '未按频次体验',
  'late-filing': '报备超时',
}

/** 活动记录状态 (draft until filed, activities.rs). */
export const activityStatus: Record<string, string> = {
  draft: '草稿',
  filed: '已报备',
}

/** 回访满意度 as the callbacks record it (free text on the server). */
export const satisfactions = ['满意', '基本满意', '不满意']

/** The label of a code; an unknown code shows as itself, an empty one as nothing. */
export function label(map: Record<string, string>, code: string | null | undefined): string {
  if (!code) return ''
  return map[code] ?? code
}

/** Options for an el-select from a code → label map, in the map's order. */
export function options(map: Record<string, string>): { value: string; label: string }[] {
  return Object.entries(map).map(([value, l]) => ({ value, label: l }))
}
