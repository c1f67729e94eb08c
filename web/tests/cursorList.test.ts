// The cursor-paged list every table uses, against a fake server.

import { afterEach, describe, expect, it, vi } from 'vitest'

vi.mock('element-plus', () => ({ ElMessage: { error: vi.fn() } }))
const { ElMessage } = await import('element-plus')
const { sortParam, useCursorList } = await import('../src/composables/cursorList')
const { api } = await import('../src/api')

interface Row {
  id: number
  name: string
}

/** A fake `fetch` answering from `pages` by cursor, recording each URL; `delays` holds answers back. */
function serve(pages: Record<string, { items: Row[]; next_cursor: string | null; total?: number; total_capped?: boolean }>, delays: Record<string, Promise<void>> = {}) {
  const urls: string[] = []
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string) => {
      urls.push(url)
      const u = new URL(url, 'http://x')
      const key = `${u.searchParams.get('q') ?? ''}|${u.searchParams.get('cursor') ?? ''}`
      await delays[key]
      const body = pages[key]
      if (!body) return new Response(JSON.stringify({ title: '参数错误', detail: '未知的取值「x」', status: 422 }), { status: 422 })
      return new Response(JSON.stringify(body), { status: 200 })
    }),
  )
  return urls
}

const r = (id: number) => ({ id, name: `行${id}` })

/** A list's page function as src/api's modules write them, over `path`. */
const pageOf = (path: string) => (q: object) => api.get<{ items: Row[]; next_cursor: string | null; total?: number }>(path, { ...q })

afterEach(() => vi.unstubAllGlobals())

describe('useCursorList', () => {
  it('loads the first page with the filters, then appends the next by cursor', async () => {
    const urls = serve({ 'a|': { items: [r(1), r(2)], next_cursor: 'c2' }, 'a|c2': { items: [r(3)], next_cursor: null } })
    const list = useCursorList(pageOf('/problems'), () => ({ q: 'a', status: '' }), 2)
    await list.reload()
    expect(list.rows.value.map((x) => x.id)).toEqual([1, 2])
    expect(list.next.value).toBe('c2')
    await list.more()
    expect(list.rows.value.map((x) => x.id)).toEqual([1, 2, 3])
    expect(list.next.value).toBeNull()
    expect(list.loading.value).toBe(false)
    // Empty filters are not sent; the limit is.
    expect(urls[0]).toBe('/api/v1/problems?q=a&limit=2')
    expect(urls[1]).toBe('/api/v1/problems?q=a&limit=2&cursor=c2')
  })

  it('drops an answer that arrives after a newer search', async () => {
    let release!: () => void
    const slow = new Promise<void>((ok) => (release = ok))
    serve({ 'old|': { items: [r(1)], next_cursor: null }, 'new|': { items: [r(9)], next_cursor: null } }, { 'old|': slow })
    let q = 'old'
    const list = useCursorList(pageOf('/needs'), () => ({ q }))
    const first = list.reload()
    q = 'new'
    await list.reload()
    release()
    await first
    expect(list.rows.value.map((x) => x.id)).toEqual([9])
  })

  it("shows the server's refusal and keeps the rows", async () => {
    serve({ 'a|': { items: [r(1)], next_cursor: null } })
    let q = 'a'
    const list = useCursorList(pageOf('/measures'), () => ({ q }))
    await list.reload()
    q = 'x'
    await list.reload()
    expect(ElMessage.error).toHaveBeenCalledWith('未知的取值「x」')
    expect(list.rows.value.map((x) => x.id)).toEqual([1])
    expect(list.loading.value).toBe(false)
  })

  it('reads every page for export, and says when it stopped at the cap', async () => {
    serve({ '|': { items: [r(1), r(2)], next_cursor: 'p2' }, '|p2': { items: [r(3), r(4)], next_cursor: 'p3' }, '|p3': { items: [r(5)], next_cursor: null } })
    const list = useCursorList(pageOf('/problems'))
    expect(await list.all()).toEqual({ rows: [r(1), r(2), r(3), r(4), r(5)], truncated: false })
    const capped = await list.all(3)
    expect(capped.rows.map((x) => x.id)).toEqual([1, 2, 3, 4])
    expect(capped.truncated).toBe(true)
  })

  it('replaces a changed row in place', async () => {
    serve({ '|': { items: [r(1), r(2)], next_cursor: null } })
    const list = useCursorList(pageOf('/needs'))
    await list.reload()
    list.replace({ id: 2, name: '已回应' })
    expect(list.rows.value).toEqual([r(1), { id: 2, name: '已回应' }])
  })

  it('opens newest first, follows a header to another order, and keeps the total of the first page', async () => {
    const urls = serve({
      '|': { items: [r(3), r(2)], next_cursor: '@2', total: 3 },
      '|@2': { items: [r(1)], next_cursor: null },
    })
    const list = useCursorList(pageOf('/problems'), () => ({}), 2, '-found_on')
    await list.reload()
    await list.more()
    expect(list.total.value).toBe(3)
    expect(list.rows.value.map((x) => x.id)).toEqual([3, 2, 1])
    await list.sortBy({ prop: 'deadline', order: 'ascending' })
    await list.sortBy({ prop: 'deadline', order: null })
    expect(urls).toEqual([
      '/api/v1/problems?sort=-found_on&limit=2',
      '/api/v1/problems?sort=-found_on&limit=2&cursor=%402',
      '/api/v1/problems?sort=deadline&limit=2',
      '/api/v1/problems?sort=-found_on&limit=2',
    ])
  })

  it('says when the server stopped counting, and forgets it when a narrower search counts all', async () => {
    serve({
      '|': { items: [r(1)], next_cursor: '1', total: 10000, total_capped: true },
      'a|': { items: [r(1)], next_cursor: null, total: 1 },
    })
    let q = ''
    const list = useCursorList(pageOf('/problems'), () => ({ q }), 1)
    await list.reload()
    expect([list.total.value, list.totalCapped.value]).toEqual([10000, true])
    q = 'a'
    await list.reload()
    expect([list.total.value, list.totalCapped.value]).toEqual([1, false])
  })

  it('spells an el-table order as the server sorts', () => {
    expect(sortParam({ prop: 'date', order: 'descending' }, '')).toBe('-date')
    expect(sortParam({ prop: 'date', order: 'ascending' }, '-date')).toBe('date')
    expect(sortParam({ prop: null, order: null }, '-date')).toBe('-date')
  })
})
