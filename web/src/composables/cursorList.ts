// A list endpoint (`{items, next_cursor, total}`, asked through its function
// in src/api) loaded a page at a time: the
// first page again on each search or change of order, the next one on
// "加载更多"; every row of the filter for export. An answer that arrives after
// a newer request is dropped, so a slow earlier search never overwrites a
// later one.

import { ref, shallowRef } from 'vue'
import { ElMessage } from 'element-plus'
import { messageOf, type Page } from '../api'

/** An el-table sort event: the column's prop and its order. */
export interface SortChange {
  prop: string | null
  order: 'ascending' | 'descending' | null
}

/** The server's `sort` for an el-table order: `-found_on` newest first, `found_on` oldest first. */
export function sortParam(s: SortChange, fallback: string): string {
  if (!s.prop || !s.order) return fallback
  return s.order === 'descending' ? `-${s.prop}` : s.prop
}

/** What the list adds to the page's filters: the page's size, where it starts, the order. */
export interface PageQuery {
  limit?: number
  cursor?: string | null
  sort?: string | null
}

export function useCursorList<T, Q extends object = PageQuery>(
  /** One page of the list (listProblems, listUsers …). */
  fetchPage: (query: Q & PageQuery) => Promise<Page<T>>,
  filters: () => Q = () => ({}) as Q,
  limit = 50,
  /** The order a list opens in (`-found_on`: newest first); none: by id. */
  defaultSort = '',
) {
  const rows = shallowRef<T[]>([])
  const next = ref<string | null>(null)
  const loading = ref(false)
  /** How many rows the whole list holds, when the server says (its first page). */
  const total = ref<number | null>(null)
  /** The list holds more than `total` (the server counts up to 10,000). */
  const totalCapped = ref(false)
  const sort = ref(defaultSort)
  let generation = 0

  const params = () => ({ ...filters(), sort: sort.value || undefined })

  /** The first page again, or with `more` the next one after what is shown. */
  async function load(more = false) {
    const mine = ++generation
    loading.value = true
    try {
      const page = await fetchPage({ ...params(), limit, cursor: more ? next.value : undefined })
      if (mine !== generation) return
      rows.value = more ? [...rows.value, ...page.items] : page.items
      next.value = page.next_cursor ?? null
      if (!more) {
        total.value = page.total ?? null
        totalCapped.value = page.total_capped ?? false
      }
    } catch (e) {
      if (mine === generation) ElMessage.error(messageOf(e))
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  /** Every row of the current filter and order, up to `cap`, for export. */
  async function all(cap = 10000): Promise<{ rows: T[]; truncated: boolean }> {
    const out: T[] = []
    let cursor: string | null = null
    do {
      const page: Page<T> = await fetchPage({ ...params(), limit: 200, cursor })
      out.push(...page.items)
      cursor = page.next_cursor ?? null
    } while (cursor && out.length < cap)
    return { rows: out, truncated: cursor !== null }
  }

  /** Puts a changed record in place without reloading the list. */
  function replace(row: T & { id: number }) {
    rows.value = rows.value.map((r) => ((r as { id: number }).id === row.id ? row : r))
  }

  /** A column header was clicked: the list in that order, from its first page. */
  function sortBy(s: SortChange) {
    sort.value = sortParam(s, defaultSort)
    return load(false)
  }

  return { rows, next, loading, total, totalCapped, sort, load, reload: () => load(false), more: () => load(true), all, replace, sortBy }
}
