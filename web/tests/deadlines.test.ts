// Deadline colours (red late, yellow due soon) and which rectifications the
// dashboard lists, on fixed days so the test does not depend on today.

import { describe, expect, it } from 'vitest'
import { deadlineClass } from '../src/components/ledgers/vocab'
import { splitDue } from '../src/components/dashboard/due'

describe('deadlineClass', () => {
  const today = '2024-02-27'
  it('is red once the deadline has passed and the record is open', () => {
    expect(deadlineClass('2024-02-26', false, today)).toBe('late')
    expect(deadlineClass('2023-12-31', false, today)).toBe('late')
  })
  it('is yellow from today to three days ahead, counting across a month end', () => {
    expect(deadlineClass('2024-02-27', false, today)).toBe('due-soon')
    expect(deadlineClass('2024-03-01', false, today)).toBe('due-soon') // 2024 is a leap year: 27 → 1 is 3 days
    expect(deadlineClass('2024-03-02', false, today)).toBe('')
  })
  it('marks nothing for a closed record or one without a deadline', () => {
    expect(deadlineClass('2024-01-01', true, today)).toBe('')
    expect(deadlineClass(null, false, today)).toBe('')
    expect(deadlineClass(undefined, false, today)).toBe('')
  })
  it('takes another window when asked', () => {
    expect(deadlineClass('2024-03-05', false, today, 7)).toBe('due-soon')
  })
})

describe('splitDue', () => {
  const today = '2024-02-27'
  const row = (id: number, deadline: string | null, overdue = false) => ({ id, deadline, overdue })

  it('puts late ones first-overdue first and near ones nearest first', () => {
    const { late, soon } = splitDue(
      [row(1, '2024-02-20'), row(2, '2024-02-28'), row(3, '2024-01-05'), row(4, '2024-02-27'), row(5, '2024-04-01')],
      today,
    )
    expect(late.map((r) => r.id)).toEqual([3, 1])
    expect(soon.map((r) => r.id)).toEqual([4, 2])
  })

  it("trusts the server's overdue flag and counts a problem once", () => {
    // Listed both as overdue and under its status; deadline today but judged overdue by the server.
    const { late, soon } = splitDue([row(7, '2024-02-27', true), row(7, '2024-02-27', true), row(8, null)], today)
    expect(late.map((r) => r.id)).toEqual([7])
    expect(soon).toEqual([])
  })
})
