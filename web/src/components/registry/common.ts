// Shared pieces of the registry and system pages: the unit tree and time
// formatting.

import { api, fetchAll, type Page } from '../../api'

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
  /** 牵头单位（发文机关）of a region. */
  lead_office?: string | null
}

/** A unit with its children, for el-tree and el-tree-select. */
export interface UnitNode extends Unit {
  children: UnitNode[]
}

import type { Figures } from '../../api/types'
export type { Figures }

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

export { fetchAll }

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

/** One entry of an item's figures history (`/items/{id}/figures`). */
export interface FiguresRecord {
  recorded_at: number
  source: string
  note: string | null
  figures: Figures
  /** The rectification that changed them, by its first words. */
  problem_label?: string | null
  /** Who recorded them, by display name. */
  recorded_by_name?: string | null
}

export const figureKeys = ['materials', 'time_limit_days', 'steps', 'trips', 'online'] as const

/**
 * The history as it reads: an entry records only the figures that changed
 * (a rectification that cut the documents leaves the time limit empty), so
 * each entry carries the earlier values forward, and says which it changed.
 */
export function carryFigures(records: FiguresRecord[]): (FiguresRecord & { changed: (typeof figureKeys)[number][] })[] {
  const sorted = [...records].sort((a, b) => a.recorded_at - b.recorded_at)
  let now: Figures = { materials: null, time_limit_days: null, steps: null, trips: null, online: null }
  return sorted.map((r) => {
    const changed = figureKeys.filter((k) => r.figures[k] !== null && r.figures[k] !== undefined && r.figures[k] !== now[k])
    now = { ...now, ...Object.fromEntries(changed.map((k) => [k, r.figures[k]])) }
    return { ...r, figures: now, changed }
  })
}
