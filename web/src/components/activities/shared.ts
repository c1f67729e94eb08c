// What the plan and activity pages share: record shapes, cached look-ups
// (units, officials, items, the active policy), periods and CSV export.

import { api, ApiError, fetchAll, type Page } from '../../api'
import { downloadCsv as saveCsv } from '../ledgers/csv'

export interface Unit {
  id: number
  name: string
  kind: string
  depth: number
  parent_id: number | null
}

export interface Official {
  id: number
  unit_id: number
  name: string
  title: string
  rank_label: string
}

export interface Item {
  id: number
  unit_id: number
  name: string
}

export interface PolicyStep {
  code: string
  label: string
  detail?: string
  required?: boolean
  items?: { min: number; max: number }
  callbacks?: { min_valid: number; lookback_months: number }
}

export interface PolicyKind {
  modes: string[]
  channels?: string[]
  min_duration_hours?: number
  focus?: string[]
  steps?: PolicyStep[]
}

export interface ActivePolicy {
  code: string
  name: string
  policy: { kinds: Record<string, PolicyKind>; filing?: { within_working_days: number }; meta?: { issuer?: string } }
}

export { fetchAll }

let unitsCache: Promise<Unit[]> | null = null
let itemsCache: Promise<Item[]> | null = null
let officialsCache: Promise<Official[]> | null = null
let policyCache: Promise<ActivePolicy> | null = null

function cached<T>(get: () => Promise<T> | null, set: (p: Promise<T> | null) => void, load: () => Promise<T>): Promise<T> {
  let p = get()
  if (!p) {
    p = load()
    set(p)
    // A failed look-up is asked again next time.
    p.catch(() => set(null))
  }
  return p
}

/** The units in the caller's scope, in tree order. */
export const loadUnits = () =>
  cached(() => unitsCache, (p) => (unitsCache = p), () => fetchAll<Unit>('/units'))
export const loadItems = () =>
  cached(() => itemsCache, (p) => (itemsCache = p), () => fetchAll<Item>('/items'))
/** Every official in scope (for names in lists). */
export const loadOfficials = () =>
  cached(() => officialsCache, (p) => (officialsCache = p), () => fetchAll<Official>('/officials', {}, 5000))
export const loadPolicy = () =>
  cached(() => policyCache, (p) => (policyCache = p), () => api.get<ActivePolicy>('/policy'))

/** The officials of one unit's subtree, for a picker. */
export function officialsOf(unit: number): Promise<Official[]> {
  return fetchAll<Official>('/officials', { unit }, 1000)
}

/** The indent of a unit's option by its depth in the tree (the selected value shows the bare name). */
export function unitIndent(u: Unit, minDepth: number): { paddingLeft: string } {
  return { paddingLeft: `${Math.max(0, u.depth - minDepth)}em` }
}

export function quarterOf(d: Date): string {
  return `${d.getFullYear()}Q${Math.floor(d.getMonth() / 3) + 1}`
}




export function isoDate(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}

/** Field messages of a refusal, keyed by field name. */
export function fieldErrors(e: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (e instanceof ApiError) for (const f of e.errors) out[f.field] = out[f.field] ? `${out[f.field]}；${f.message}` : f.message
  return out
}

/** Downloads rows (in the header's order) as a CSV file that Excel opens: the ledgers' writer, fed by column. */
export function downloadCsv(name: string, header: string[], rows: (string | number)[][]) {
  saveCsv(
    name,
    header.map((h, i) => ({ header: h, value: (r: (string | number)[]) => r[i] })),
    rows,
  )
}

/**
 * The officials to choose from, with the chosen ones named even before the
 * unit's list has arrived (a select shows a value it has no option for as
 * the bare id): `named` (ids and names from the record) are added to `list`
 * where missing.
 */
export function withNamed(list: Official[], ids: number[], names: string[] | undefined, unit: number | null): Official[] {
  const have = new Set(list.map((o) => o.id))
  const seeds = ids
    .map((id, i) => ({ id, unit_id: unit ?? 0, name: names?.[i] ?? '', title: '', rank_label: '' }))
    .filter((o) => o.name && !have.has(o.id))
  return seeds.length ? [...list, ...seeds] : list
}

/** An official as an option reads: 宋超（局长）, or the name alone. */
export const officialLabel = (o: Official) => (o.title ? `${o.name}（${o.title}）` : o.name)
