// The web's vocabularies against the domain's: every `vocab!` type of
// crates/zlc-domain that a page shows must have the same codes here, each
// labelled with the domain's Chinese label (or one of its spellings). A code
// added, renamed or relabelled on either side fails this test.

import { describe, expect, it } from 'vitest'
import * as labels from '../src/labels'

const sources = import.meta.glob('../../crates/zlc-domain/src/**/*.rs', {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>

interface Term {
  code: string
  label: string
  aliases: string[]
}

/** Each `vocab!( /// doc  Name { Variant = "code", "label" | "alias"; … } )` of the Rust sources. */
function rustVocabularies(): Map<string, Term[]> {
  const out = new Map<string, Term[]>()
  const block = /vocab!\(\s*(?:\/\/\/[^\n]*\n\s*)*(\w+)\s*\{([^}]*)\}\s*\)/g
  const line = /\w+\s*=\s*"([^"]+)",\s*"([^"]+)"((?:\s*\|\s*"[^"]+")*)\s*;/g
  for (const text of Object.values(sources)) {
    for (const m of text.matchAll(block)) {
      const terms: Term[] = []
      for (const t of m[2].matchAll(line)) {
        terms.push({ code: t[1], label: t[2], aliases: [...t[3].matchAll(/"([^"]+)"/g)].map((a) => a[1]) })
      }
      out.set(m[1], terms)
    }
  }
  return out
}

const rust = rustVocabularies()

/** Which Rust vocabulary each web map mirrors. */
const mirrors: [keyof typeof labels, string][] = [
  ['activityKinds', 'ActivityKind'],
  ['modes', 'Mode'],
  ['channels', 'Channel'],
  ['triggers', 'Trigger'],
  ['ranks', 'Rank'],
  ['problemStatus', 'ProblemStatus'],
  ['problemCategories', 'ProblemCategory'],
  ['problemSources', 'ProblemSource'],
  ['dispositions', 'Disposition'],
  ['needSources', 'NeedSource'],
  ['needStatus', 'NeedStatus'],
  ['measureStatus', 'MeasureStatus'],
  ['planStatus', 'PlanStatus'],
  ['slots', 'HalfDay'],
  ['places', 'Place'],
  ['unitKinds', 'UnitKind'],
  ['unitCategories', 'UnitCategory'],
  ['itemTypes', 'ItemType'],
  ['powerCategories', 'PowerCategory'],
  ['serviceObjects', 'ServiceObject'],
  ['handlingModes', 'HandlingMode'],
  ['sheetKinds', 'SheetKind'],
  ['findingKinds', 'FindingKind'],
  ['rungs', 'Rung'],
]

describe('vocabularies', () => {
  it('reads the domain crate', () => {
    // A broken path or pattern would make every comparison below vacuous.
    expect(rust.size).toBeGreaterThan(20)
    expect(rust.get('ProblemStatus')?.map((t) => t.code)).toEqual(['pending', 'in-progress', 'awaiting-verification', 'closed'])
  })

  for (const [name, type] of mirrors) {
    it(`${name} mirrors ${type}`, () => {
      const terms = rust.get(type)
      expect(terms, `vocab! ${type} not found in crates/zlc-domain`).toBeDefined()
      const web = labels[name] as Record<string, string>
      expect(Object.keys(web).sort()).toEqual(terms!.map((t) => t.code).sort())
      for (const t of terms!) {
        expect([t.label, ...t.aliases], `${name}.${t.code}`).toContain(web[t.code])
      }
    })
  }

  it('says for every mode in what identity the official takes part', () => {
    expect(Object.keys(labels.modeRoles).sort()).toEqual(Object.keys(labels.modes).sort())
  })

  it('names every rung of the ladder as a kind of message, beside 报送’s 催报 and 退回', () => {
    expect(labels.messageKinds).toEqual({ ...labels.rungs, 'urge-report': '催报', return: '退回' })
  })

  it('puts every mode under a kind the domain knows', () => {
    expect(Object.keys(labels.modeKind).sort()).toEqual(Object.keys(labels.modes).sort())
    for (const kind of Object.values(labels.modeKind)) expect(labels.activityKinds).toHaveProperty(kind)
  })
})

describe('label', () => {
  it('shows the Chinese label, an unknown code as itself, nothing as empty', () => {
    expect(labels.label(labels.problemStatus, 'awaiting-verification')).toBe('已整改·待验收')
    expect(labels.label(labels.problemStatus, 'reopened')).toBe('reopened')
    expect(labels.label(labels.problemStatus, null)).toBe('')
    expect(labels.label(labels.problemStatus, '')).toBe('')
  })

  it('lists options in the order of the map', () => {
    expect(labels.options(labels.dispositions)).toEqual([
      { value: 'immediate', label: '立行立改' },
      { value: 'deadline', label: '限期整改' },
      { value: 'escalate', label: '需上级统筹' },
    ])
  })
})
