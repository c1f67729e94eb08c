// A list endpoint (`{items, next_cursor}`) loaded a page at a time: the first
// page again on each search, the next one on "加载更多"; every row of the
// filter for export. An answer that arrives after a newer request is dropped,
// so a slow earlier search never overwrites a later one.

import { ref, shallowRef } from 'vue'
import { ElMessage } from 'element-plus'
import { api, messageOf, type Page } from '../api'

export function useCursorList<T>(path: string, filters: () => Record<string, unknown> = () => ({}), limit = 50) {
  const rows = shallowRef<T[]>([])
  const next = ref<string | null>(null)
  const loading = ref(false)
  let generation = 0

  /** The first page again, or with `more` the next one after what is shown. */
  async function load(more = false) {
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

  return { rows, next, loading, load, reload: () => load(false), more: () => load(true), all, replace }
}
