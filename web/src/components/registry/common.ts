// Shared pieces of the registry and system pages: the unit tree and time
// formatting.

import type { Figures, FiguresRecord, Unit } from '../../api/types'

/** A unit with its children, for el-tree and el-tree-select. */
export type UnitNode = Unit & { children: UnitNode[] }

/** Builds the tree from the flat list; units whose parent is out of scope become roots. */
export function buildUnitTree(units: Unit[]): UnitNode[] {
  const nodes = new Map<number, UnitNode>()
  for (const u of units) nodes.set(u.id, { ...u, children: [] })
  const roots: UnitNode[] = []
  for (const n of nodes.values()) {
    const parent = n.parent_id !== null && n.parent_id !== undefined ? nodes.get(n.parent_id) : undefined
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
