// 下载模板: the empty table of a kind, saved under its Chinese name; a
// refusal is shown, never dropped.

import { ref } from 'vue'
import { ElMessage } from 'element-plus'
import { messageOf } from '../../api'
import { downloadTemplate, type SheetKind } from '../../api/office'
import { sheetLabel } from './office'

export function useTemplateDownload() {
  const templating = ref(false)
  async function template(kind: SheetKind) {
    templating.value = true
    try {
      await downloadTemplate(kind, `${sheetLabel(kind)}-模板.xlsx`)
    } catch (e) {
      ElMessage.error(messageOf(e))
    } finally {
      templating.value = false
    }
  }
  return { templating, template }
}
