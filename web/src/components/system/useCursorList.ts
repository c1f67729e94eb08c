// A cursor-paged list (`{items, next_cursor}`) loaded page by page.

import { ref, type Ref } from 'vue'
import { ElMessage } from 'element-plus'
import { api, messageOf, type Page } from '../../api'

export function useCursorList<T>(path: string, params: () => Record<string, unknown> = () => ({}), limit = 50) {
  const rows = ref([]) as Ref<T[]>
  const next = ref<string | null>(null)
  const loading = ref(false)

  /** Loads the first page again, or the next one with `more`. */
  async function load(more = false) {
    loading.value = true
    try {
      const page = await api.get<Page<T>>(path, { ...params(), cursor: more ? next.value : null, limit })
      rows.value = more ? [...rows.value, ...page.items] : page.items
      next.value = page.next_cursor
    } catch (e) {
      ElMessage.error(messageOf(e))
    } finally {
      loading.value = false
    }
  }

  return { rows, next, loading, load }
}
