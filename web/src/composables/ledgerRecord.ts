// The record a ledger drawer shows (需求, 措施): loaded with its 办理过程 when
// the drawer opens, replaced by newer versions the drawer's steps return,
// and reloaded when the server says someone else changed it first. The
// steps themselves (回应, 标记完成 …) go through one small dialog whose
// confirmation checks the form, sends it, and on a stale version says why
// and shows the record as it stands.

import { reactive, ref, watch, type Ref } from 'vue'
import { ElMessage } from 'element-plus'
import { ApiError, messageOf } from '../api'
import { ensureUnitNames } from '../components/ledgers/lists'
import type { HistoryStep } from '../api/types'

/** How a drawer reads its record: the record and its history (api/needs.ts, api/measures.ts). */
export interface LedgerRecordApi<T> {
  get: (id: number) => Promise<T>
  history: (id: number) => Promise<HistoryStep[]>
}

export function useLedgerRecord<T extends { id: number; unit_id: number }>(
  source: LedgerRecordApi<T>,
  open: Ref<boolean>,
  id: () => number | null,
  changed: (record: T) => void,
) {
  const record = ref<T | null>(null) as Ref<T | null>
  const history = ref<HistoryStep[]>([])
  const loading = ref(false)

  async function loadHistory(recordId: number) {
    history.value = await source.history(recordId)
  }

  async function load() {
    const recordId = id()
    if (recordId === null) return
    loading.value = true
    try {
      const [r] = await Promise.all([source.get(recordId), loadHistory(recordId)])
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

/** One step of a drawer: what it checks before sending, how it sends, what it says after. */
export interface LedgerSteps<T, S extends string> {
  /** The form's mistakes by field (none: it may be sent). */
  check: (record: T, step: S) => Record<string, string>
  /** The step sent: the record's next version. */
  send: (record: T, step: S) => Promise<T>
  /** What each step did, as the message after it says. */
  done: Record<S, string>
}

/** The dialog of a drawer's steps over `record` (from useLedgerRecord). */
export function useLedgerSteps<T, S extends string>(
  record: Ref<T | null>,
  steps: LedgerSteps<T, S>,
  after: { updated: (r: T) => Promise<void>; reload: () => Promise<void> },
) {
  const step = ref<S | null>(null) as Ref<S | null>
  const acting = ref(false)
  const errors = ref<Record<string, string>>({})

  /** Opens a step's dialog (the caller fills its form first). */
  function openStep(s: S) {
    errors.value = {}
    step.value = s
  }

  async function confirm() {
    const r = record.value
    const s = step.value
    if (!r || !s) return
    errors.value = steps.check(r, s)
    if (Object.keys(errors.value).length) return
    acting.value = true
    try {
      const next = await steps.send(r, s)
      ElMessage.success(steps.done[s])
      step.value = null
      await after.updated(next)
    } catch (e) {
      if (e instanceof ApiError) {
        for (const f of e.errors) errors.value[f.field] = f.message
        if (e.status === 409) {
          // A stale version: say why, then show the record as it stands.
          ElMessage.error(messageOf(e))
          step.value = null
          await after.reload()
          return
        }
      }
      ElMessage.error(messageOf(e))
    } finally {
      acting.value = false
    }
  }

  return { step, acting, errors, openStep, confirm }
}

/** The drawers of the records a drawer links to, each mounted the first time it is opened. */
export function useLinkedDrawers<K extends string>(kinds: readonly K[]) {
  const none = () => Object.fromEntries(kinds.map((k) => [k, false])) as Record<K, boolean>
  /** Which are open now. */
  const linked = reactive(none()) as Record<K, boolean>
  /** Which were opened once (and stay mounted). */
  const shown = reactive(none()) as Record<K, boolean>
  function show(which: K) {
    shown[which] = true
    linked[which] = true
  }
  return { linked, shown, show }
}
