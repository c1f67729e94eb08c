// Shared pieces of the registry and system pages: the unit tree, the
// registry vocabularies, the mobile breakpoint and time formatting.

import { onBeforeUnmount, onMounted, ref } from 'vue'
import { api, type Page } from '../../api'

/** 单位 as `/units` answers it. */
export interface Unit {
  id: number
  version: number
  parent_id: number | null
  name: string
  kind: string
  kind_label: string
  categories: string[]
  categories_label: string
  code: string | null
  sort: number
  depth: number
  path: string
}

/** A unit with its children, for el-tree and el-tree-select. */
export interface UnitNode extends Unit {
  children: UnitNode[]
}

/** 办事流程要素 */
export interface Figures {
  materials: number | null
  time_limit_days: number | null
  steps: number | null
  trips: number | null
  online: boolean | null
}

/** 事项 as `/items` answers it. */
export interface Item {
  id: number
  version: number
  unit_id: number
  section_id: number | null
  name: string
  item_type: string
  item_type_label: string
  power_category: string
  power_category_label: string
  service_object: string
  handling_mode: string
  channel: string | null
  contact: string | null
  note: string | null
  figures: Figures
}

/** 人员 as `/officials` answers it; `phone` is masked unless the caller holds official:phone. */
export interface Official {
  id: number
  version: number
  unit_id: number
  name: string
  title: string
  rank: string
  rank_label: string
  phone: string | null
  phone_masked: boolean
  active: boolean
}

// Vocabularies of crates/zlc-domain/src/registry.rs (codes on the wire).
export const unitKinds: Record<string, string> = {
  region: '地区',
  department: '部门',
  enterprise: '企业',
  section: '科室',
  hall: '大厅',
}

export const unitCategories: Record<string, string> = {
  approval: '审批服务',
  enforcement: '行政执法',
  complaints: '投诉集中',
  'policy-making': '政策制定',
  'public-enterprise': '公共服务企业',
}

export const itemTypes: Record<string, string> = {
  'one-thing': '高效办成一件事',
  integrated: '集成办',
  'cross-region': '跨域办',
  'high-frequency': '高频',
  other: '其他',
}

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

export const serviceObjects: Record<string, string> = { enterprise: '企业', person: '个人', both: '企业和个人' }

export const handlingModes: Record<string, string> = { online: '线上', offline: '线下', both: '线上线下' }

/** Options for el-select from a code → label map. */
export function options(map: Record<string, string>) {
  return Object.entries(map).map(([value, label]) => ({ value, label }))
}

/** Every page of a cursor list (the unit tree needs all units in scope). */
export async function fetchAll<T>(path: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const out: T[] = []
  let cursor: string | null = null
  do {
    const page: Page<T> = await api.get<Page<T>>(path, { ...params, cursor, limit: 200 })
    out.push(...page.items)
    cursor = page.next_cursor
  } while (cursor)
  return out
}

/** Builds the tree from the flat list; units whose parent is out of scope become roots. */
export function buildUnitTree(units: Unit[]): UnitNode[] {
  const nodes = new Map<number, UnitNode>()
  for (const u of units) nodes.set(u.id, { ...u, children: [] })
  const roots: UnitNode[] = []
  for (const n of nodes.values()) {
    const parent = n.parent_id !== null ? nodes.get(n.parent_id) : undefined
    if (parent) parent.children.push(n)
    else roots.push(n)
  }
  const order = (list: UnitNode[]) => {
    list.sort((a, b) => a.sort - b.sort || a.id - b.id)
    list.forEach((n) => order(n.children))
  }
  order(roots)
  return roots
}

/** True below the phone breakpoint, kept up to date on resize. */
export function useIsMobile(width = 768) {
  const isMobile = ref(window.innerWidth <= width)
  const update = () => {
    isMobile.value = window.innerWidth <= width
  }
  onMounted(() => window.addEventListener('resize', update))
  onBeforeUnmount(() => window.removeEventListener('resize', update))
  return isMobile
}

const pad = (n: number) => String(n).padStart(2, '0')

/** `2026-11-22 08:07` from epoch milliseconds. */
export function fmtTime(ms: number | null | undefined): string {
  if (!ms) return ''
  const d = new Date(ms)
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

/** `2026-11-22` from epoch milliseconds or a Date. */
export function fmtDate(v: number | Date): string {
  const d = typeof v === 'number' ? new Date(v) : v
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}
