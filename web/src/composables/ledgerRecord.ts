// The record a ledger drawer shows (需求, 措施): loaded with its 办理过程 when
// the drawer opens, replaced by newer versions the drawer's steps return,
// and reloaded when the server says someone else changed it first.

import { ref, watch, type Ref } from 'vue'
import { ElMessage } from 'element-plus'
import { api, messageOf } from '../api'
import { ensureUnitNames } from '../components/ledgers/lists'
import type { HistoryStep } from '../components/ledgers/history'

export function useLedgerRecord<T extends { id: number; unit_id: number }>(
  /** The API collection: `needs` or `measures`. */
  collection: string,
  open: Ref<boolean>,
  id: () => number | null,
  changed: (record: T) => void,
) {
  const record = ref<T | null>(null) as Ref<T | null>
  const history = ref<HistoryStep[]>([])
  const loading = ref(false)

  async function loadHistory(recordId: number) {
    history.value = await api.get<HistoryStep[]>(`/${collection}/${recordId}/history`)
  }

  async function load() {
    const recordId = id()
    if (recordId === null) return
    loading.value = true
    try {
      const [r] = await Promise.all([api.get<T>(`/${collection}/${recordId}`), loadHistory(recordId)])
      record.value = r
      ensureUnitNames([r.unit_id])
    } catch (e) {
      ElMessage.error(messageOf(e))
    } finally {
      loading.value = false
    }
  }

  watch(
    () => [open.value, id()] as const,
    ([o]) => {
      if (o) {
        record.value = null
        history.value = []
        load()
      }
    },
    { immediate: true },
  )

  /** A newer version from the server: show it, tell the page, and reload the history. */
  async function updated(r: T) {
    record.value = r
    changed(r)
    try {
      await loadHistory(r.id)
    } catch (e) {
      ElMessage.error(messageOf(e))
    }
  }

  /** Someone else changed it first: the message has said so; show what stands now. */
  async function reload() {
    await load()
    if (record.value) changed(record.value)
  }

  return { record, history, loading, updated, reload }
}
