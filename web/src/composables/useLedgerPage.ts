// What the three ledger pages (问题台账, 需求清单, 整改清单) share: the search
// form and what was last searched (the list and its export follow that, not
// the half-typed form), the status tabs, the cursor-paged list in the
// ledger's order with its units named, a dialog to create or edit a record,
// the detail drawer, and the list as CSV.

import { reactive, ref, watch, type Ref, type UnwrapRef } from 'vue'
import { ElMessage } from 'element-plus'
import { messageOf, type Page, type Params } from '../api'
import type { LedgerQuery } from '../api/types'
import { downloadCsv, stamp, type CsvColumn } from '../components/ledgers/csv'
import { ensureUnitNames, useRowTags } from '../components/ledgers/lists'
import { useCursorList } from './cursorList'

/** The search form of a ledger: every one has a period, a unit and a keyword. */
export type LedgerFilters = { period: string; unit: number | null; q: string; overdue?: boolean } & Params<LedgerQuery>

export interface LedgerPageOptions<T, F extends LedgerFilters> {
  /** One page of the ledger (listProblems, listNeeds, listMeasures). */
  list: (query: Params<LedgerQuery>) => Promise<Page<T>>
  /** The search form as 重置 leaves it. */
  blank: () => F
  /** What the form starts with besides (a link's ?overdue=1). */
  initial?: Partial<F>
  /** The status tabs after 全部: code → label. */
  statuses: Record<string, string>
  /** The order the list opens in (`-found_on`: newest first). */
  defaultSort: string
  /** `data-test` of each table row, for the browser tests. */
  rowTag: string
  /** 导出列表（CSV）: the file's name before the date, and its columns. */
  csv?: { name: string; columns: CsvColumn<T>[] }
}

export function useLedgerPage<T extends { id: number; unit_id: number }, F extends LedgerFilters>(o: LedgerPageOptions<T, F>) {
  const tabs = [{ name: '', label: '全部' }, ...Object.entries(o.statuses).map(([name, label]) => ({ name, label }))]
  /** The tab shown: a status code, or '' for 全部. */
  const status = ref('')
  const filters = reactive({ ...o.blank(), ...o.initial }) as UnwrapRef<F>
  /** What was last searched: the list and its export follow this. */
  const applied = ref({ ...filters }) as Ref<UnwrapRef<F>>

  const list = useCursorList<T, Params<LedgerQuery>>(
    o.list,
    () => ({
      ...applied.value,
      // Off means every record, not only those in time.
      overdue: applied.value.overdue || undefined,
      status: status.value,
    }),
    50,
    o.defaultSort,
  )
  watch(list.rows, (rows) => ensureUnitNames(rows.map((r) => r.unit_id)))
  const table = ref<{ $el: HTMLElement } | null>(null)
  useRowTags(table, list.rows, o.rowTag)

  function search() {
    applied.value = { ...filters, q: filters.q.trim() }
    return list.reload()
  }
  function reset() {
    Object.assign(filters, o.blank())
    return search()
  }
  watch(status, () => list.reload())
  list.reload()

  // The detail drawer of one record.
  const drawer = ref(false)
  const current = ref<number | null>(null)
  function show(r: T) {
    showId(r.id)
  }
  /** The drawer of a record known by its id only (a link's ?open=). */
  function showId(id: number) {
    current.value = id
    drawer.value = true
  }

  // The dialog that creates a record (editing null) or edits one.
  const dialog = ref(false)
  const editing = ref<T | null>(null) as Ref<T | null>
  function create() {
    editing.value = null
    dialog.value = true
  }
  function edit(r: T) {
    editing.value = r
    dialog.value = true
  }
  /** Saved: an edit replaces its row; a new record reloads the list and opens. */
  function saved(r: T) {
    if (editing.value) list.replace(r)
    else {
      list.reload()
      show(r)
    }
  }

  const exporting = ref(false)
  /** Every row of what was last searched (up to the list's cap), as the table reads them. */
  async function exportCsv() {
    if (!o.csv) return
    exporting.value = true
    try {
      const { rows, truncated } = await list.all()
      await ensureUnitNames(rows.map((r) => r.unit_id))
      downloadCsv(`${o.csv.name}-${stamp()}.csv`, o.csv.columns, rows)
      if (truncated) ElMessage.warning(`仅导出前 ${rows.length} 条，请缩小查询范围`)
    } catch (e) {
      ElMessage.error(messageOf(e))
    } finally {
      exporting.value = false
    }
  }

  return { tabs, status, filters, applied, list, table, search, reset, drawer, current, show, showId, dialog, editing, create, edit, saved, exporting, exportCsv }
}
