// The form of a ledger record (需求, 措施): filled from the record (or blank)
// each time it opens, checked before it is sent, created or changed, and
// closed; a stale version (someone changed it meanwhile) is said and the
// page shows the record as it stands. Closing with what was typed and not
// saved asks first.

import { computed, nextTick, ref, watch, type Ref } from 'vue'
import { ElMessage } from 'element-plus'
import { ApiError, messageOf } from '../api'
import { useDirtyGuard } from './dirtyGuard'

export interface LedgerFormOptions<T, F extends object> {
  /** The dialog's v-model. */
  visible: Ref<boolean>
  /** The record edited; null for a new one. */
  record: () => T | null
  /** The form (reactive). */
  form: F
  /** The form as it opens on a record, or blank. */
  fill: (record: T | null) => F
  /** The form's mistakes by field (none: it may be sent). */
  check: () => Record<string, string>
  /** Creates (no record) or changes the record. */
  send: (record: T | null) => Promise<T>
  /** The message after saving. */
  savedMessage: string
  saved: (record: T) => void
  stale: () => void
}

export function useLedgerForm<T, F extends object>(o: LedgerFormOptions<T, F>) {
  const errors = ref<Record<string, string>>({})
  const guard = useDirtyGuard(() => ({ ...o.form }))
  const busy = ref(false)
  const editing = computed(() => o.record() !== null)

  watch(o.visible, (open) => {
    if (!open) return guard.reset()
    errors.value = {}
    Object.assign(o.form, o.fill(o.record()))
    nextTick(() => guard.mark())
  })

  function close() {
    guard.reset()
    o.visible.value = false
  }

  async function save() {
    errors.value = o.check()
    if (Object.keys(errors.value).length) return
    busy.value = true
    try {
      const r = await o.send(o.record())
      ElMessage.success(o.savedMessage)
      close()
      o.saved(r)
    } catch (e) {
      if (e instanceof ApiError) {
        for (const f of e.errors) errors.value[f.field] = f.message
        if (e.status === 409) {
          // Someone changed it meanwhile: say so and show the current record.
          ElMessage.error(messageOf(e))
          close()
          o.stale()
          return
        }
      }
      ElMessage.error(messageOf(e))
    } finally {
      busy.value = false
    }
  }

  /** The 取消 button: asks first when something was typed. */
  const cancel = () => guard.closeWith(() => (o.visible.value = false))

  return { errors, busy, editing, beforeClose: guard.beforeClose, save, cancel }
}
