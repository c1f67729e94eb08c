// What the plan and activity pages share: cached look-ups (units,
// officials, items; the active policy's shared read), pickers' words and CSV export.

import { ApiError } from '../../api'
import { allItems } from '../../api/items'
import { allOfficials } from '../../api/officials'
import { activePolicy } from '../../api/policy'
import { allUnits } from '../../api/units'
import type { Item, Official, Unit } from '../../api/types'
import { downloadCsv as saveCsv } from '../ledgers/csv'

/** An official as a picker offers them (a record's own names stand in until the unit's list arrives). */
export type OfficialOption = Pick<Official, 'id' | 'unit_id' | 'name' | 'title' | 'rank_label'>

let unitsCache: Promise<Unit[]> | null = null
let itemsCache: Promise<Item[]> | null = null
let officialsCache: Promise<OfficialOption[]> | null = null

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
export const loadUnits = () => cached(() => unitsCache, (p) => (unitsCache = p), () => allUnits())
export const loadItems = () => cached(() => itemsCache, (p) => (itemsCache = p), () => allItems())
/** Every official in scope (for names in lists). */
export const loadOfficials = () =>
  cached(() => officialsCache, (p) => (officialsCache = p), () => allOfficials({}, 5000))
/** The active policy (one read shared with every page, see api/policy.ts). */
export const loadPolicy = activePolicy

/** The officials of one unit's subtree, for a picker. */
export function officialsOf(unit: number): Promise<OfficialOption[]> {
  return allOfficials({ unit }, 1000)
}

/** The indent of a unit's option by its depth in the tree (the selected value shows the bare name). */
export function unitIndent(u: Pick<Unit, 'depth'>, minDepth: number): { paddingLeft: string } {
  return { paddingLeft: `${Math.max(0, u.depth - minDepth)}em` }
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
export function withNamed(list: OfficialOption[], ids: number[], names: string[] | null | undefined, unit: number | null): OfficialOption[] {
  const have = new Set(list.map((o) => o.id))
  const seeds = ids
    .map((id, i) => ({ id, unit_id: unit ?? 0, name: names?.[i] ?? '', title: '', rank_label: '' }))
    .filter((o) => o.name && !have.has(o.id))
  return seeds.length ? [...list, ...seeds] : list
}

/** An official as an option reads: 宋超（局长）, or the name alone. */
export const officialLabel = (o: OfficialOption) => (o.title ? `${o.name}（${o.title}）` : o.name)

/** Whether a value came back masked (`张**`, `138****1234`). */
export const masked = (s: string | null | undefined) => !!s && s.includes('*')
