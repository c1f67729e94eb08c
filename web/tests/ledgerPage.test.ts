// What the three ledger pages share (useLedgerPage): the list follows what
// was last searched and the tab shown, 重置 clears the form, the CSV holds
// every row of the search, a saved record lands in the list.

import { afterEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'

vi.mock('element-plus', () => ({ ElMessage: { error: vi.fn(), warning: vi.fn() } }))
vi.mock('../src/components/ledgers/csv', async (original) => ({
  ...(await original<typeof import('../src/components/ledgers/csv')>()),
  downloadCsv: vi.fn(),
}))
const { ElMessage } = await import('element-plus')
const { downloadCsv } = await import('../src/components/ledgers/csv')
const { useLedgerPage } = await import('../src/composables/useLedgerPage')
const { api } = await import('../src/api')

interface Row {
  id: number
  unit_id: number
  description: string
}

const row = (id: number): Row => ({ id, unit_id: 1, description: `问题${id}` })

/** A fake server: `/problems` answers `pages` by cursor, `/units/names` names unit 1; every URL is kept. */
function serve(pages: Record<string, { items: Row[]; next_cursor: string | null; total?: number }>) {
  const urls: string[] = []
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string) => {
      urls.push(url)
      const u = new URL(url, 'http://x')
      if (u.pathname === '/api/v1/units/names') return new Response(JSON.stringify({ items: [{ id: 1, name: '区政务服务局' }], next_cursor: null }))
      const body = pages[u.searchParams.get('cursor') ?? ''] ?? { items: [], next_cursor: null }
      return new Response(JSON.stringify(body))
    }),
  )
  return urls
}

/** The requests of the list only (names aside). */
const lists = (urls: string[]) => urls.filter((u) => u.startsWith('/api/v1/problems'))

/** Lets the watchers and the answers run. */
const settle = async () => {
  for (let i = 0; i < 5; i++) {
    await nextTick()
    await new Promise((ok) => setTimeout(ok, 0))
  }
}

type Filters = { period: string; unit: number | null; source: string; overdue: boolean; q: string }

function page(initial: Partial<Filters> = {}, csv = true) {
  return useLedgerPage<Row, Filters>({
    list: (q) => api.get<{ items: Row[]; next_cursor: string | null }>('/problems', q),
    blank: () => ({ period: '', unit: null, source: '', overdue: false, q: '' }),
    initial,
    statuses: { pending: '待整改', closed: '已销号' },
    defaultSort: '-found_on',
    rowTag: 'problem-row',
    csv: csv ? { name: '问题台账', columns: [{ header: '问题描述', value: (r) => r.description }] } : undefined,
  })
}

afterEach(() => {
  vi.unstubAllGlobals()
  vi.clearAllMocks()
})

describe('useLedgerPage', () => {
  it('opens in the ledger’s order with the link’s filters, a tab for each status after 全部', async () => {
    const urls = serve({ '': { items: [row(1), row(2)], next_cursor: null, total: 2 } })
    const p = page({ overdue: true })
    await settle()
    expect(p.tabs).toEqual([
      { name: '', label: '全部' },
      { name: 'pending', label: '待整改' },
      { name: 'closed', label: '已销号' },
    ])
    expect(lists(urls)).toEqual(['/api/v1/problems?overdue=true&sort=-found_on&limit=50'])
    expect(p.list.rows.value.map((r) => r.id)).toEqual([1, 2])
    expect(p.list.total.value).toBe(2)
  })

  it('follows what was searched, not the half-typed form; a tab narrows to its status', async () => {
    const urls = serve({})
    const p = page()
    await settle()
    p.filters.q = '  窗口  '
    p.filters.unit = 7
    await p.search()
    p.filters.q = '还没搜'
    p.status.value = 'pending'
    await settle()
    expect(lists(urls).slice(1)).toEqual([
      '/api/v1/problems?unit=7&q=%E7%AA%97%E5%8F%A3&sort=-found_on&limit=50',
      '/api/v1/problems?unit=7&q=%E7%AA%97%E5%8F%A3&status=pending&sort=-found_on&limit=50',
    ])
    expect(p.applied.value.q).toBe('窗口')
  })

  it('重置 clears the form, the overdue switch too, and searches again', async () => {
    const urls = serve({})
    const p = page({ overdue: true })
    await settle()
    p.filters.source = 'hotline'
    await p.reset()
    expect(p.filters).toEqual({ period: '', unit: null, source: '', overdue: false, q: '' })
    expect(lists(urls).at(-1)).toBe('/api/v1/problems?sort=-found_on&limit=50')
  })

  it('exports every page of the search as CSV, named by the day', async () => {
    const urls = serve({ '': { items: [row(1)], next_cursor: 'c2' }, c2: { items: [row(2)], next_cursor: null } })
    const p = page()
    await settle()
    await p.exportCsv()
    expect(lists(urls).slice(1)).toEqual(['/api/v1/problems?sort=-found_on&limit=200', '/api/v1/problems?sort=-found_on&limit=200&cursor=c2'])
    expect(downloadCsv).toHaveBeenCalledTimes(1)
    const [name, columns, rows] = vi.mocked(downloadCsv).mock.calls[0]
    expect(name).toMatch(/^问题台账-\d{8}\.csv$/)
    expect(columns.map((c) => c.header)).toEqual(['问题描述'])
    expect((rows as Row[]).map((r) => r.id)).toEqual([1, 2])
    expect(p.exporting.value).toBe(false)
    expect(ElMessage.warning).not.toHaveBeenCalled()
  })

  it('says the server’s refusal of an export, and has nothing to export without columns', async () => {
    serve({})
    const p = page()
    await settle()
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ title: '参数错误', detail: '期间不正确', status: 422 }), { status: 422 })))
    await p.exportCsv()
    expect(ElMessage.error).toHaveBeenCalledWith('期间不正确')
    expect(downloadCsv).not.toHaveBeenCalled()
    const bare = page({}, false)
    await bare.exportCsv()
    expect(downloadCsv).not.toHaveBeenCalled()
  })

  it('puts an edited record in its row; a new one reloads the list and opens', async () => {
    const urls = serve({ '': { items: [row(1), row(2)], next_cursor: null } })
    const p = page()
    await settle()
    p.edit(row(2))
    expect(p.dialog.value).toBe(true)
    p.saved({ ...row(2), description: '改过' })
    expect(p.list.rows.value.map((r) => r.description)).toEqual(['问题1', '改过'])
    expect(p.drawer.value).toBe(false)
    const before = lists(urls).length
    p.create()
    expect(p.editing.value).toBeNull()
    p.saved(row(3))
    await settle()
    expect(lists(urls).length).toBe(before + 1)
    expect(p.drawer.value).toBe(true)
    expect(p.current.value).toBe(3)
  })
})
