// The unit names the ledger tables show, and row tags for the browser tests.

import { nextTick, reactive, watch, type Ref } from 'vue'
import { unitNames as fetchUnitNames } from '../../api/units'
import type { UnitName } from '../../api/types'

/** Names of the units seen so far, shared by the pages. */
const unitNames = reactive(new Map<number, string>())
const pendingUnits = new Set<number>()

/** How a unit reads whose name the reader is not told (outside its reach, or not loaded). */
export const UNNAMED_UNIT = '其他单位'

export function unitName(id: number | null | undefined): string {
  if (id === null || id === undefined) return ''
  return unitNames.get(id) ?? UNNAMED_UNIT
}

export function rememberUnits(units: UnitName[]) {
  for (const u of units) unitNames.set(u.id, u.name)
}

/** Most ids one `/units/names` request takes (the server's limit). */
export const NAMES_PER_REQUEST = 200

/**
 * Fetches the names of units not seen yet (each once), also of units outside
 * the reader's scope that a record involves (协办单位): `/units/names` answers
 * names only, in requests of at most NAMES_PER_REQUEST ids.
 */
export async function ensureUnitNames(ids: (number | null | undefined)[]) {
  const missing = [...new Set(ids)].filter(
    (id): id is number => typeof id === 'number' && !unitNames.has(id) && !pendingUnits.has(id),
  )
  if (!missing.length) return
  missing.forEach((id) => pendingUnits.add(id))
  const chunks: number[][] = []
  for (let i = 0; i < missing.length; i += NAMES_PER_REQUEST) chunks.push(missing.slice(i, i + NAMES_PER_REQUEST))
  try {
    await Promise.all(
      chunks.map(async (chunk) => {
        try {
          rememberUnits((await fetchUnitNames(chunk)).items)
        } catch {
          // Unnamed units read as 其他单位; the list itself still shows.
        }
      }),
    )
  } finally {
    missing.forEach((id) => pendingUnits.delete(id))
  }
}

/**
 * Marks each body row of an el-table with `data-test="name"` (el-table has no
 * row attributes of its own), so the browser tests can find the rows.
 */
export function useRowTags(table: Ref<{ $el: HTMLElement } | null>, rows: Ref<unknown[]>, name: string) {
  watch(
    [rows, table],
    () =>
      nextTick(() => {
        table.value?.$el
          .querySelectorAll('.el-table__body-wrapper tr.el-table__row')
          .forEach((tr) => tr.setAttribute('data-test', name))
      }),
    { flush: 'post' },
  )
}
