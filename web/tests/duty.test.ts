// 督办 in the web app: the to-do states in words and colours, the menu's
// count, the bell's store, and a link's ?open=<id> opening its record once.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h, nextTick } from 'vue'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import type { Todo, TodoState } from '../src/api/types'
import { badgeText, countByState, messageTag, ofState, todoBadge, todoStateClass, todoStateTag, todoStates } from '../src/components/duty/duty'
import { openId, useOpenFromQuery, withoutOpen } from '../src/composables/openFromQuery'
import { useDuty } from '../src/stores/duty'
import { problemActions, reminderActions } from '../src/components/ledgers/vocab'
import { label, messageKinds } from '../src/labels'

const todo = (record_id: number, state: TodoState): Todo => ({
  kind: 'rectify',
  kind_label: '问题待整改',
  record_id,
  title: `问题${record_id}`,
  unit_id: 9,
  unit_name: '登记注册科',
  due: '2026-12-10',
  days_left: state === 'overdue' ? -2 : state === 'due-soon' ? 1 : 9,
  due_note: '还剩 1 个工作日',
  state,
  link: `/problems?open=${record_id}`,
})

describe('to-do states', () => {
  it('names and colours each state: overdue red, due soon yellow, the rest grey', () => {
    expect(todoStates).toEqual({ overdue: '已逾期', 'due-soon': '即将到期', normal: '正常' })
    expect((['overdue', 'due-soon', 'normal'] as const).map(todoStateTag)).toEqual(['danger', 'warning', 'info'])
    expect((['overdue', 'due-soon', 'normal'] as const).map(todoStateClass)).toEqual(['late', 'due-soon', ''])
  })

  it('counts and filters by state, keeping the server’s order', () => {
    const items = [todo(1, 'overdue'), todo(2, 'overdue'), todo(3, 'due-soon'), todo(4, 'normal')]
    expect(countByState(items)).toEqual({ overdue: 2, 'due-soon': 1, normal: 1 })
    expect(countByState([])).toEqual({ overdue: 0, 'due-soon': 0, normal: 0 })
    expect(ofState(items, 'overdue').map((t) => t.record_id)).toEqual([1, 2])
    expect(ofState(items, '').map((t) => t.record_id)).toEqual([1, 2, 3, 4])
  })
})

describe('the menu’s count beside 待办', () => {
  it('counts the overdue and due-soon ones, red when any is overdue', () => {
    const items = [todo(1, 'overdue'), todo(2, 'due-soon'), todo(3, 'normal')]
    expect(todoBadge({ items, overdue: 1, due_soon: 1 })).toEqual({ count: 2, type: 'danger' })
    expect(todoBadge({ items: items.slice(1), overdue: 0, due_soon: 1 })).toEqual({ count: 1, type: 'warning' })
  })

  it('counts them all, grey, when none is urgent; nothing when there are none', () => {
    expect(todoBadge({ items: [todo(3, 'normal'), todo(4, 'normal')], overdue: 0, due_soon: 0 })).toEqual({ count: 2, type: 'info' })
    expect(todoBadge({ items: [], overdue: 0, due_soon: 0 }).count).toBe(0)
    expect(todoBadge(null).count).toBe(0)
  })

  it('writes more than 99 as 99+', () => {
    expect(badgeText(7)).toBe('7')
    expect(badgeText(99)).toBe('99')
    expect(badgeText(267)).toBe('99+')
  })
})

describe('messages and the timeline', () => {
  it('colours 提醒 grey, 催办 and 催报 yellow, 督办 and 退回 red', () => {
    expect(['remind', 'urge', 'escalate', 'other'].map(messageTag)).toEqual(['info', 'warning', 'danger', 'info'])
    expect(['urge-report', 'return'].map(messageTag)).toEqual(['warning', 'danger'])
  })

  it('names every kind of message in Chinese, 报送’s too', () => {
    expect(['remind', 'urge', 'escalate', 'urge-report', 'return'].map((k) => label(messageKinds, k))).toEqual(['提醒', '催办', '督办', '催报', '退回'])
  })

  it('names the reminder ladder’s steps in a problem’s timeline', () => {
    expect([problemActions.remind, problemActions.urge, problemActions.escalate]).toEqual(['到期提醒', '催办', '督办'])
    expect([...reminderActions].every((a) => a in problemActions)).toBe(true)
    expect(reminderActions.has('verify')).toBe(false)
  })
})

describe('the duty store', () => {
  let answers: Record<string, () => Response>
  let urls: string[]
  const json = (body: unknown, status = 200) => () => new Response(JSON.stringify(body), { status })

  beforeEach(() => {
    setActivePinia(createPinia())
    urls = []
    answers = {}
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => {
        urls.push(url)
        return (answers[url] ?? json({}, 404))()
      }),
    )
  })
  afterEach(() => vi.unstubAllGlobals())

  it('reads the to-do list once for whoever asks meanwhile, and keeps it for the menu', async () => {
    answers['/api/v1/todos'] = json({ items: [todo(1, 'overdue')], overdue: 1, due_soon: 0 })
    const duty = useDuty()
    const [a, b] = await Promise.all([duty.loadTodos(), duty.refreshTodos()])
    expect(a.overdue).toBe(1)
    expect(b).toBeUndefined()
    expect(urls).toEqual(['/api/v1/todos'])
    expect(duty.todos?.items).toHaveLength(1)
    // Fresh enough: a change of page does not read it again.
    await duty.refreshTodos(60_000)
    expect(urls).toHaveLength(1)
    await duty.refreshTodos(0)
    expect(urls).toHaveLength(2)
  })

  it('keeps the counts as they were when a read fails, and throws to the page that asked', async () => {
    const duty = useDuty()
    answers['/api/v1/messages/unread'] = json({ unread: 4 })
    await duty.refreshUnread()
    expect(duty.unread).toBe(4)
    answers['/api/v1/messages/unread'] = json({ title: '服务暂不可用', status: 503 }, 503)
    await duty.refreshUnread()
    expect(duty.unread).toBe(4)
    answers['/api/v1/todos'] = json({ title: '服务暂不可用', status: 503 }, 503)
    await expect(duty.loadTodos()).rejects.toThrow('服务暂不可用')
    await duty.refreshTodos()
    expect(duty.todos).toBeNull()
  })

  it('forgets everything on clear(), even a reading under way', async () => {
    const duty = useDuty()
    let release: (r: Response) => void = () => {}
    vi.stubGlobal('fetch', vi.fn(() => new Promise<Response>((ok) => (release = ok))))
    duty.unread = 3
    const reading = duty.loadTodos()
    duty.clear()
    expect(duty.unread).toBe(0)
    release(new Response(JSON.stringify({ items: [todo(1, 'normal')], overdue: 0, due_soon: 0 })))
    await reading
    // The previous account's list is not the menu's count.
    expect(duty.todos).toBeNull()
  })
})

describe('?open=<id>', () => {
  it('reads a positive whole number only', () => {
    expect(openId({ open: '12' })).toBe(12)
    expect(openId({ open: ['7', '8'] })).toBe(7)
    for (const open of ['0', '-3', 'abc', '1.5', '', null]) expect(openId({ open })).toBeNull()
    expect(openId({})).toBeNull()
  })

  it('drops open and keeps the rest of the query', () => {
    expect(withoutOpen({ open: '12', overdue: '1' })).toEqual({ overdue: '1' })
  })

  it('opens the record on arrival and when the link changes, once, and not for another page', async () => {
    const opened: number[] = []
    const Ledger = defineComponent({
      setup() {
        useOpenFromQuery((id) => opened.push(id))
        return () => h('div', 'ledger')
      },
    })
    const Other = defineComponent({ render: () => h('div', 'other') })
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/problems', name: 'problems', component: Ledger },
        { path: '/other', name: 'other', component: Other },
      ],
    })
    const settle = async () => {
      for (let i = 0; i < 5; i++) {
        await nextTick()
        await new Promise((ok) => setTimeout(ok, 0))
      }
    }
    await router.push('/problems?open=12&overdue=1')
    const app = mount(defineComponent({ render: () => h(RouterView) }), { global: { plugins: [router] } })
    await settle()
    expect(opened).toEqual([12])
    // Dropped from the address: a refresh does not open it again.
    expect(router.currentRoute.value.fullPath).toBe('/problems?overdue=1')

    await router.push('/problems?open=7')
    await settle()
    expect(opened).toEqual([12, 7])
    expect(router.currentRoute.value.fullPath).toBe('/problems')

    await router.push('/problems?open=abc')
    await settle()
    expect(opened).toEqual([12, 7])
    expect(router.currentRoute.value.fullPath).toBe('/problems')

    // Leaving for another page that carries an open of its own: not this page's.
    await router.push('/other?open=5')
    await settle()
    expect(opened).toEqual([12, 7])
    expect(router.currentRoute.value.fullPath).toBe('/other?open=5')
    app.unmount()
  })
})
