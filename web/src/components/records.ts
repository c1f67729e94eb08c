// Records in the office's words: what each kind of record and each of its
// fields is called, and a stored value as a reader sees it — vocabulary codes
// as labels, ids as the names the server sends beside them (`names`, keyed
// `unit:12`, `activity:806`), never a bare number. The audit log and the
// ledgers' 办理过程 both read records through here.

import * as L from '../labels'
import type { Names } from '../api/types'

/** 对象类型: what the audit trail calls each kind of record. */
export const entityLabels: Record<string, string> = {
  unit: '单位',
  official: '人员',
  item: '事项',
  plan: '计划',
  activity: '活动记录',
  problem: '问题',
  need: '需求',
  measure: '整改措施',
  user: '账号',
  role: '角色',
  session: '会话',
  api_token: '接口令牌',
  policy: '活动规则',
  calendar: '工作日历',
  import: '导入',
  demo: '演示数据',
  submission: '报送',
  finding: '通报问题线索',
}

/** 操作: what each audited action is called. */
export const actionLabels: Record<string, string> = {
  create: '新增',
  update: '修改',
  delete: '删除',
  revoke: '撤销',
  'change-password': '修改口令',
  'reset-password': '重置口令',
  activate: '启用',
  import: '导入',
  demo: '生成演示数据',
  attach: '上传附件',
  file: '报备',
  submitted: '提交发布',
  published: '发布',
  cancelled: '取消',
  done: '完成',
  missed: '未开展',
  start: '开始整改',
  submit: '提交验收',
  verify: '验收销号',
  reject: '退回整改',
  review: '回头看',
  'set-deadline': '调整整改时限',
  return: '退回',
  'set-email': '设置督办邮箱',
  confirm: '确认',
  dismiss: '排除',
}

/** The action on a kind of record, where the general word would mislead (a session is 强制下线, not 撤销). */
export function actionLabel(action: string, entity = ''): string {
  if (action === 'revoke' && entity === 'session') return '强制下线'
  if (action === 'revoke' && entity === 'api_token') return '吊销'
  if (action === 'submit' && entity === 'submission') return '报送'
  return actionLabels[action] ?? '其他操作'
}

/** Fields shared by most records. */
const common: Record<string, string> = {
  unit_id: '单位',
  status: '状态',
  name: '名称',
  note: '备注',
  notes: '备注',
}

/** 字段: what each field of each kind of record is called. */
export const fieldLabels: Record<string, Record<string, string>> = {
  unit: { name: '单位名称', parent_id: '上级单位', kind: '单位类型', categories: '单位类别', code: '单位代码', sort: '排序' },
  official: { name: '姓名', title: '职务', rank: '职级', unit_id: '所在单位', phone_set: '已登记电话', active: '在职' },
  item: {
    name: '事项名称',
    unit_id: '实施单位',
    section_id: '责任科室',
    item_type: '事项类型',
    power_category: '权力类别',
    service_object: '服务对象',
    handling_mode: '办理方式',
    channel: '办理途径',
    contact: '联系方式',
    materials: '要件（件）',
    time_limit_days: '时限（工作日）',
    steps: '环节（个）',
    trips: '跑动（次）',
    online: '可网办',
  },
  plan: {
    unit_id: '单位',
    official_ids: '领导干部',
    kind: '活动类型',
    mode: '体验方式',
    date: '日期',
    slot: '时段',
    place: '地点',
    window_unit_id: '窗口单位',
    item_ids: '体验事项',
    place_note: '备注',
    cancel_reason: '取消原因',
    reason: '原因',
    activity_id: '开展的活动',
    published_at: '发布时间',
  },
  activity: {
    unit_id: '单位',
    plan_id: '对应计划',
    official_ids: '领导干部',
    item_ids: '体验事项',
    kind: '活动类型',
    mode: '体验方式',
    channel: '办理渠道',
    trigger_kind: '触发方式',
    unannounced: '四不两直',
    date: '日期',
    started: '开始时间',
    ended: '结束时间',
    place: '地点',
    content: '体验内容',
    visitors: '接待人次',
    checked_items: '抽查事项数',
    steps_done: '完成环节',
    callbacks: '服务回访（条）',
    filed_on: '报备日期',
    filing_due: '报备截止',
    late: '逾期报备',
  },
  problem: {
    unit_id: '责任单位',
    section_id: '责任科室',
    activity_id: '关联活动',
    item_id: '服务事项',
    source: '问题来源',
    category: '问题类别',
    description: '问题描述',
    cause: '原因',
    urgent: '急难愁盼',
    other_units: '协办单位',
    disposition: '处置方式',
    deadline: '整改时限',
    escalated_to: '统筹上级',
    handler_id: '经办人',
    measures: '整改措施',
    effect: '整改效果',
    evidence_count: '佐证材料（项）',
    verifier_id: '验收人',
    found_on: '发现日期',
    closed_on: '销号日期',
    review_due: '回头看日期',
    reviewed_on: '回头看完成日期',
    reopen_count: '反弹次数',
    figures_after: '整改后流程要素',
  },
  need: {
    unit_id: '单位',
    raised_by: '提出方',
    raised_on: '提出日期',
    content: '需求内容',
    status: '状态',
    response: '回应情况',
    closed_on: '办结日期',
    problem_id: '关联问题',
    activity_id: '发现于活动',
  },
  measure: {
    unit_id: '单位',
    problem_id: '针对问题',
    need_id: '针对需求',
    activity_id: '发现于活动',
    content: '整改措施',
    status: '状态',
    deadline: '完成时限',
    done_on: '完成日期',
    effect: '整改效果',
  },
  user: {
    username: '账号',
    display_name: '姓名',
    unit_id: '所属单位',
    official_id: '对应人员',
    roles: '角色',
    disabled: '停用',
    must_change_password: '须修改口令',
    email: '督办邮箱',
  },
  submission: {
    report_code: '报送事项',
    period: '报送期间',
    status: '报送状态',
    late: '逾期报送',
    submitted_at: '报送时间',
    submitted_by: '报送人',
    returned_reason: '退回理由',
    returned_at: '退回时间',
    returned_by: '退回人',
  },
  role: { code: '角色代码', name: '角色名称', permissions: '权限' },
  policy: { code: '规则代码', name: '规则名称', id: '版本' },
  calendar: { holidays: '节假日', workdays: '调休上班日', year: '年份' },
  import: { kind: '表格', rows: '行数', unit: '填报单位', file: '文件' },
  demo: {
    scale: '规模',
    seed: '随机种子',
    as_of: '截至日期',
    units: '单位',
    officials: '人员',
    items: '事项',
    plans: '计划',
    plan_items: '计划事项',
    plan_officials: '计划人员',
    activities: '活动记录',
    activity_items: '活动事项',
    activity_officials: '活动人员',
    callbacks: '服务回访',
    problems: '问题',
    problem_events: '整改过程',
    needs: '需求',
    measures: '整改措施',
    item_figures: '流程要素记录',
  },
}

/** What kind of record an id in a field refers to (admin.rs `ref_kind`). */
export function refKind(field: string): string | null {
  switch (field) {
    case 'unit_id':
    case 'section_id':
    case 'window_unit_id':
    case 'parent_id':
    case 'other_units':
      return 'unit'
    case 'official_id':
    case 'official_ids':
      return 'official'
    case 'item_id':
    case 'item_ids':
      return 'item'
    case 'activity_id':
      return 'activity'
    case 'problem_id':
      return 'problem'
    case 'need_id':
      return 'need'
    case 'plan_id':
      return 'plan'
    case 'handler_id':
    case 'verifier_id':
    case 'user_id':
    case 'created_by':
    case 'recorded_by':
      return 'user'
    default:
      return null
  }
}

export type { Names }

/** A referenced record by name; one the server could not name is said to be gone, never shown as a number. */
export function refName(names: Names, kind: string, id: number): string {
  return names[`${kind}:${id}`] ?? `（已删除的${entityLabels[kind] ?? '记录'}）`
}

/** Bookkeeping fields that say nothing to a reader. */
export const BOOKKEEPING = new Set(['id', 'version', 'created_by', 'created_at', 'updated_at', 'unit_path', 'region_id', 'import_key', 'sm3', 'hash'])

/** How an empty value reads. */
export const EMPTY = '（空）'

/** The vocabulary a field's codes come from, on a kind of record. */
function vocabulary(entity: string, field: string): Record<string, string> | null {
  switch (field) {
    case 'status':
      return (
        { problem: L.problemStatus, need: L.needStatus, measure: L.measureStatus, plan: L.planStatus, activity: L.activityStatus } as Record<string, Record<string, string>>
      )[entity] ?? null
    case 'kind':
      return (
        { unit: L.unitKinds, plan: L.activityKinds, activity: L.activityKinds, import: L.sheetKinds } as Record<string, Record<string, string>>
      )[entity] ?? null
    case 'mode':
      return L.modes
    case 'channel':
      return entity === 'activity' ? L.channels : null
    case 'trigger_kind':
      return L.triggers
    case 'rank':
      return L.ranks
    case 'category':
      return L.problemCategories
    case 'source':
      return L.problemSources
    case 'disposition':
      return L.dispositions
    case 'raised_by':
      return L.needSources
    case 'slot':
      return L.slots
    case 'place':
      return entity === 'plan' ? L.places : null
    case 'item_type':
      return L.itemTypes
    case 'power_category':
      return L.powerCategories
    case 'service_object':
      return L.serviceObjects
    case 'handling_mode':
      return L.handlingModes
    case 'categories':
      return L.unitCategories
    default:
      return null
  }
}

const pad = (n: number) => String(n).padStart(2, '0')

/** A stored field's value as a reader sees it. */
export function formatValue(entity: string, field: string, value: unknown, names: Names = {}): string {
  if (value === null || value === undefined || value === '') return EMPTY
  if (Array.isArray(value) && !value.length) return EMPTY
  const kind = refKind(field)
  if (kind) {
    const ids = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [value]
    const named = ids
      .map((x) => Number(x))
      .filter((x) => Number.isFinite(x) && x > 0)
      .map((x) => refName(names, kind, x))
    return named.length ? named.join('、') : EMPTY
  }
  const vocab = vocabulary(entity, field)
  if (vocab) {
    const codes = Array.isArray(value) ? value : typeof value === 'string' && field === 'categories' ? value.split(',').filter(Boolean) : [value]
    return codes.map((c) => L.label(vocab, String(c))).join('、') || EMPTY
  }
  if (entity === 'demo' && field === 'scale') return demoScales[String(value)] ?? String(value)
  if (field === 'steps_done' && typeof value === 'string') return value.split(',').filter(Boolean).length + ' 个环节'
  if (field === 'roles' && Array.isArray(value)) return value.map((r) => roleLabels[String(r)] ?? String(r)).join('、')
  if (field === 'permissions' && Array.isArray(value)) return `${value.length} 项权限`
  if ((field.endsWith('_at') || field === 'at') && typeof value === 'number') {
    const d = new Date(value)
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
  }
  if (typeof value === 'boolean') return value ? '是' : '否'
  if (typeof value === 'object') {
    // Nested figures and the like: each part by its label.
    const labels = fieldLabels.item
    return Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => `${labels[k] ?? k}：${formatValue('item', k, v, names)}`)
      .join('，')
  }
  return String(value)
}

/** 演示数据规模 (zlc demo --scale). */
export const demoScales: Record<string, string> = { small: '小规模（一个区）', city: '市级', province: '省级', national: '全国' }

/** The built-in roles by name (zlc_domain::auth BUILTIN_ROLES). */
export const roleLabels: Record<string, string> = {
  sysadmin: '系统管理员',
  secadmin: '安全管理员',
  auditadmin: '审计管理员',
  supervisor: '牵头单位',
  liaison: '联络员',
  official: '领导干部',
  handler: '责任科室经办人',
}

/** A field's label on a kind of record; an unknown one reads as 其他字段. */
export function fieldLabel(entity: string, field: string): string {
  return fieldLabels[entity]?.[field] ?? common[field] ?? '其他字段'
}

/** One changed field, ready to show. */
export interface FieldChange {
  field: string
  label: string
  /** Empty for a field set when the record was created. */
  before: string
  after: string
}

/**
 * What a write changed, field by field: for a new record the fields it set
 * (those with a value), for a change each field whose value differs, in the
 * order of the entity's fields (others after, by name).
 */
export function changesOf(entity: string, before: unknown, after: unknown, names: Names = {}): FieldChange[] {
  const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {})
  const b = obj(before)
  const a = obj(after)
  const created = !before
  const order = Object.keys(fieldLabels[entity] ?? {})
  const rank = (f: string) => {
    const i = order.indexOf(f)
    return i < 0 ? order.length : i
  }
  const fields = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((f) => !BOOKKEEPING.has(f))
  return fields
    .filter((f) => JSON.stringify(b[f] ?? null) !== JSON.stringify(a[f] ?? null))
    .filter((f) => !created || formatValue(entity, f, a[f], names) !== EMPTY)
    .sort((x, y) => rank(x) - rank(y) || x.localeCompare(y))
    .map((f) => ({
      field: f,
      label: fieldLabel(entity, f),
      before: created ? '' : formatValue(entity, f, b[f], names),
      after: f in a ? formatValue(entity, f, a[f], names) : EMPTY,
    }))
}

/** A change as one line of text: 字段：旧值 → 新值 (or 字段：值 for a creation). */
export function changeText(c: FieldChange): string {
  return c.before ? `${c.label}：${c.before} → ${c.after}` : `${c.label}：${c.after}`
}

/** The first words of a text, `…` when cut (names.rs `text_label`). */
export function textLabel(text: string | null | undefined, chars = 24): string {
  const t = (text ?? '').trim()
  const all = [...t]
  return all.length > chars ? all.slice(0, chars).join('') + '…' : t
}
