// 下载模板: the empty table of a kind, saved under its Chinese name; a
// refusal is shown, never dropped.

import { ref } from 'vue'
import { ElMessage } from 'element-plus'
import { download, messageOf } from '../../api'
import { sheetLabel, templatePath, type SheetKind } from './office'

export function useTemplateDownload() {
  const templating = ref(false)
  async function template(kind: SheetKind) {
    templating.value = true
    try {
      await download('GET', templatePath(kind), undefined, `${sheetLabel(kind)}-模板.xlsx`)
    } catch (e) {
      ElMessage.error(messageOf(e))
    } finally {
      templating.value = false
    }
  }
  return { templating, template }
}
