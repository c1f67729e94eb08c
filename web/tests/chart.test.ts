// Chart tooltips are HTML: what people typed (a unit's name) must stay text.

import { describe, expect, it } from 'vitest'
import { escapeHtml, rateTooltip } from '../src/components/dashboard/chart'

describe('rateTooltip', () => {
  it('shows a unit named with markup as text, never as an element', () => {
    const html = rateTooltip({ unit: '<img src=x onerror=alert(1)>', rate: 50, problems_found: 2, problems_found_closed: 1, overdue: 0 })
    const box = document.createElement('div')
    box.innerHTML = html
    expect(box.querySelector('img')).toBeNull()
    expect(box.textContent).toContain('<img src=x onerror=alert(1)>')
    expect(html).toContain('整改率 50%')
  })

  it('escapes every character HTML gives a meaning', () => {
    expect(escapeHtml(`a&b<c>"d"'e'`)).toBe('a&amp;b&lt;c&gt;&quot;d&quot;&#39;e&#39;')
  })
})
