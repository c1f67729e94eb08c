// Cursor-paged lists and the unit names the ledger tables show.

import { nextTick, reactive, ref, shallowRef, watch, type Ref } from 'vue'
import { api, messageOf, type Page } from '../../api'
import { ElMessage } from 'element-plus'

/** Rows of a list endpoint, loaded a page at a time ("加载更多"). */
export function useCursorList<T>(path: string, filters: () => Record<string, unknown>, limit = 50) {
  const rows = shallowRef<T[]>([])
  const next = ref<string | null>(null)
  const loading = ref(false)
  let generation = 0

  async function load(more: boolean) {
    const mine = ++generation
    loading.value = true
    try {
      const page = await api.get<Page<T>>(path, { ...filters(), limit, cursor: more ? next.value : undefined })
      if (mine !== generation) return
      rows.value = more ? [...rows.value, ...page.items] : page.items
      next.value = page.next_cursor
    } catch (e) {
      if (mine === generation) ElMessage.error(messageOf(e))
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  /** Every row of the current filter, up to `cap`, for export. */
  async function all(cap = 10000): Promise<{ rows: T[]; truncated: boolean }> {
    const out: T[] = []
    let cursor: string | null = null
    do {
      const page: Page<T> = await api.get<Page<T>>(path, { ...filters(), limit: 200, cursor })
      out.push(...page.items)
      cursor = page.next_cursor
    } while (cursor && out.length < cap)
    return { rows: out, truncated: cursor !== null }
  }

  /** Puts a changed record in place without reloading the list. */
  function replace(row: T & { id: number }) {
    rows.value = rows.value.map((r) => ((r as { id: number }).id === row.id ? row : r))
  }

  return { rows, next, loading, reload: () => load(false), more: () => load(true), all, replace }
}

export interface UnitBrief {
  id: number
  name: string
  depth?: number
}

/** Names of the units seen so far, shared by the pages. */
const unitNames = reactive(new Map<number, string>())
const pendingUnits = new Set<number>()

export function unitName(id: number | null | undefined): string {
  if (id === null || id === undefined) return ''
  return unitNames.get(id) ?? `#${id}`
}

export function rememberUnits(units: UnitBrief[]) {
  for (const u of units) unitNames.set(u.id, u.name)
}

/** Fetches the names of units not seen yet (each once). */
export async function ensureUnitNames(ids: (number | null | undefined)[]) {
  const missing = [...new Set(ids)].filter(
    (id): id is number => typeof id === 'number' && !unitNames.has(id) && !pendingUnits.has(id),
  )
  if (!missing.length) return
  if (missing.length > 10) {
    // Many unknown units: one page of the scope's units usually covers them.
    missing.forEach((id) => pendingUnits.add(id))
    try {
      rememberUnits((await api.get<Page<UnitBrief>>('/units', { limit: 200 })).items)
    } catch {
      // The names fall back to ids; the list itself still shows.
    }
    missing.forEach((id) => pendingUnits.delete(id))
  }
  await Promise.all(
    missing
      .filter((id) => !unitNames.has(id))
      .map(async (id) => {
        pendingUnits.add(id)
        try {
          rememberUnits([await api.get<UnitBrief>(`/units/${id}`)])
        } catch {
          // Out of scope or gone: the id stays as the label.
        } finally {
          pendingUnits.delete(id)
        }
      }),
  )
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
