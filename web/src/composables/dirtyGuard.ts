// 未保存的修改: a form remembers what it last loaded or saved; closing it
// with changes since asks first (el-drawer / el-dialog `before-close`, and the
// form's own 关闭 button through `close`).

import { ElMessageBox } from 'element-plus'

export function useDirtyGuard(current: () => unknown) {
  let saved: string | null = null

  /** The form as it stands is what is stored (after loading or saving it). */
  function mark() {
    saved = JSON.stringify(current())
  }

  /** Whether the form holds changes not saved. */
  function dirty(): boolean {
    return saved !== null && JSON.stringify(current()) !== saved
  }

  /** True when the form may close: nothing unsaved, or the user lets the changes go. */
  async function confirmLeave(): Promise<boolean> {
    if (!dirty()) return true
    try {
      await ElMessageBox.confirm('表单有未保存的修改，关闭后这些修改将丢失。', '放弃未保存的修改？', {
        confirmButtonText: '放弃修改',
        cancelButtonText: '继续编辑',
        type: 'warning',
      })
      return true
    } catch {
      return false
    }
  }

  /** For `:before-close` of el-drawer and el-dialog (the ×, Esc, a click outside). */
  async function beforeClose(done: () => void) {
    if (await confirmLeave()) done()
  }

  /** Closes through `close` once the user agrees (the form's own 关闭 button). */
  async function closeWith(close: () => void) {
    if (await confirmLeave()) close()
  }

  /** Forget the snapshot (the form closed). */
  function reset() {
    saved = null
  }

  return { mark, dirty, confirmLeave, beforeClose, closeWith, reset }
}
