// Unit names of the ledger tables: fetched once, in requests the server
// accepts, also for units outside the reader's scope.

import { afterEach, describe, expect, it, vi } from 'vitest'
import { ensureUnitNames, NAMES_PER_REQUEST, UNNAMED_UNIT, unitName } from '../src/components/ledgers/lists'

afterEach(() => vi.unstubAllGlobals())

describe('ensureUnitNames', () => {
  it('asks /units/names for unseen ids in chunks the server takes, and only once', async () => {
    const asked: string[] = []
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => {
        const ids = new URL(url, 'http://x').searchParams.get('ids') ?? ''
        asked.push(new URL(url, 'http://x').pathname)
        const items = ids.split(',').map((id) => ({ id: Number(id), name: `单位${id}` }))
        return new Response(JSON.stringify({ items, next_cursor: null }), { status: 200 })
      }),
    )
    const ids = Array.from({ length: NAMES_PER_REQUEST + 5 }, (_, i) => 1000 + i)
    await ensureUnitNames([...ids, null, undefined, 1000])
    expect(asked).toEqual(['/api/v1/units/names', '/api/v1/units/names'])
    expect(unitName(1000)).toBe('单位1000')
    expect(unitName(1000 + NAMES_PER_REQUEST + 4)).toBe(`单位${1000 + NAMES_PER_REQUEST + 4}`)
    await ensureUnitNames(ids)
    expect(asked.length).toBe(2)
  })

  it('never shows a raw id when a name cannot be read', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('{}', { status: 500 })))
    await ensureUnitNames([77])
    expect(unitName(77)).toBe(UNNAMED_UNIT)
    expect(unitName(77)).not.toContain('77')
  })
})
