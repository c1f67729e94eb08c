// What the 待办 and 消息 pages, the dashboard's card, the menu's count and
// the bell share: the states of a to-do in words and colours, the count the
// menu shows, and the colour of each kind of message.

import type { Todo, TodoList, TodoState } from '../../api/types'

/** 待办状态 in words, most urgent first. */
export const todoStates: Record<TodoState, string> = {
  overdue: '已逾期',
  'due-soon': '即将到期',
  normal: '正常',
}

/** The tag colour of a to-do's state: red, yellow, grey. */
export function todoStateTag(state: TodoState): 'danger' | 'warning' | 'info' {
  return state === 'overdue' ? 'danger' : state === 'due-soon' ? 'warning' : 'info'
}

/** The text class of its deadline (style.css): red when overdue, yellow when due soon. */
export function todoStateClass(state: TodoState): '' | 'late' | 'due-soon' {
  return state === 'overdue' ? 'late' : state === 'due-soon' ? 'due-soon' : ''
}

/** How many to-dos are in each state. */
export function countByState(items: Pick<Todo, 'state'>[]): Record<TodoState, number> {
  const n: Record<TodoState, number> = { overdue: 0, 'due-soon': 0, normal: 0 }
  for (const t of items) n[t.state] = (n[t.state] ?? 0) + 1
  return n
}

/** The to-dos of one state ('' for all), in the server's order. */
export function ofState<T extends Pick<Todo, 'state'>>(items: T[], state: TodoState | ''): T[] {
  return state ? items.filter((t) => t.state === state) : items
}

/** The menu's count beside 待办: how urgent it is, or nothing to show. */
export interface TodoBadge {
  /** 0: no badge. */
  count: number
  /** danger: some overdue; warning: some due soon; info: only the rest. */
  type: 'danger' | 'warning' | 'info'
}

/**
 * The count the menu shows: the overdue and due-soon ones; when none is
 * urgent, all of them (grey); none at all hides it.
 */
export function todoBadge(list: Pick<TodoList, 'overdue' | 'due_soon' | 'items'> | null | undefined): TodoBadge {
  if (!list) return { count: 0, type: 'info' }
  const urgent = list.overdue + list.due_soon
  if (list.overdue) return { count: urgent, type: 'danger' }
  if (list.due_soon) return { count: urgent, type: 'warning' }
  return { count: list.items.length, type: 'info' }
}

/** A count as a badge writes it: 99+ beyond 99. */
export function badgeText(n: number, max = 99): string {
  return n > max ? `${max}+` : String(n)
}

/** The tag colour of a message by its kind: 提醒 grey, 催办 and 催报 yellow, 督办 and 退回 red. */
export function messageTag(kind: string): 'info' | 'warning' | 'danger' {
  if (kind === 'escalate' || kind === 'return') return 'danger'
  if (kind === 'urge' || kind === 'urge-report') return 'warning'
  return 'info'
}
