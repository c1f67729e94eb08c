// An item's process-figures history reads as a sequence of states.

import { describe, expect, it } from 'vitest'
import { carryFigures } from '../src/components/registry/common'
import type { FiguresRecord } from '../src/api/types'

const rec = (at: number, source: string, f: Partial<FiguresRecord['figures']>): FiguresRecord => ({
  recorded_at: at,
  source,
  note: null,
  figures: { materials: null, time_limit_days: null, steps: null, trips: null, online: null, ...f },
})

describe('carryFigures', () => {
  it('carries unchanged figures forward and names what each entry changed', () => {
    const out = carryFigures([
      // Out of order on purpose: the history is read oldest first.
      rec(3, '整改验收', { time_limit_days: 0 }),
      rec(1, '登记', { materials: 5, time_limit_days: 3, steps: 4, trips: 2, online: false }),
      rec(2, '整改验收', { materials: 3, online: true }),
    ])
    expect(out.map((r) => r.source)).toEqual(['登记', '整改验收', '整改验收'])
    expect(out[1].figures).toEqual({ materials: 3, time_limit_days: 3, steps: 4, trips: 2, online: true })
    expect(out[1].changed).toEqual(['materials', 'online'])
    // "3 working days → same day" (seed 004): the last state keeps the earlier cuts.
    expect(out[2].figures).toEqual({ materials: 3, time_limit_days: 0, steps: 4, trips: 2, online: true })
    expect(out[2].changed).toEqual(['time_limit_days'])
  })

  it('does not count a value recorded again as a change', () => {
    const out = carryFigures([rec(1, '登记', { materials: 2 }), rec(2, '整改验收', { materials: 2 })])
    expect(out[1].changed).toEqual([])
  })
})
