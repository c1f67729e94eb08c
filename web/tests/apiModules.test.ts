// One function per endpoint (src/api/*.ts): each sends the method, path,
// query and body the server's routes take, against a fake `fetch`.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import * as activities from '../src/api/activities'
import * as admin from '../src/api/admin'
import * as attachments from '../src/api/attachments'
import * as auth from '../src/api/auth'
import * as calendar from '../src/api/calendar'
import * as duty from '../src/api/duty'
import * as items from '../src/api/items'
import * as measures from '../src/api/measures'
import * as needs from '../src/api/needs'
import * as office from '../src/api/office'
import * as officials from '../src/api/officials'
import * as plans from '../src/api/plans'
import * as policy from '../src/api/policy'
import * as problems from '../src/api/problems'
import * as publicApi from '../src/api/public'
import * as reports from '../src/api/reports'
import * as submissions from '../src/api/submissions'
import * as units from '../src/api/units'
import type { ActivityBody } from '../src/api/types'
import { ApiError } from '../src/api'

interface Sent {
  method: string
  url: string
  body: unknown
}

let sent: Sent[] = []
/** What the fake server answers next (a page by default, so list readers stop). */
let answer: () => Response = () => json({ items: [], next_cursor: null })

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
}

beforeEach(() => {
  sent = []
  answer = () => json({ items: [], next_cursor: null })
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      const body = init.body instanceof Blob ? init.body : typeof init.body === 'string' ? JSON.parse(init.body) : undefined
      sent.push({ method: init.method ?? 'GET', url, body })
      return answer()
    }),
  )
})
afterEach(() => vi.unstubAllGlobals())

/** The one request a call made. */
async function one(call: () => Promise<unknown>): Promise<Sent> {
  await call()
  expect(sent).toHaveLength(1)
  return sent[0]
}

describe('the ledgers', () => {
  it('lists with the filters given, leaving out the empty ones', async () => {
    expect(await one(() => problems.listProblems({ period: '2026Q3', unit: null, status: '', overdue: true, q: '窗口', limit: 50 }))).toEqual({
      method: 'GET',
      url: '/api/v1/problems?period=2026Q3&overdue=true&q=%E7%AA%97%E5%8F%A3&limit=50',
      body: undefined,
    })
  })

  it('reads every page of a list, following the cursor', async () => {
    let n = 0
    answer = () => json(n++ === 0 ? { items: [{ id: 1 }], next_cursor: 'c2' } : { items: [{ id: 2 }], next_cursor: null })
    expect((await needs.allNeeds({ unit: 7 })).map((r) => r.id)).toEqual([1, 2])
    expect(sent.map((s) => s.url)).toEqual(['/api/v1/needs?unit=7&limit=200', '/api/v1/needs?unit=7&limit=200&cursor=c2'])
  })

  it('creates, acts and reads the timeline of a problem', async () => {
    answer = () => json({ id: 5 })
    const body = { unit_id: 3, category: 'process', source: 'walk', disposition: 'deadline', description: '材料多' } as const
    expect(await one(() => problems.createProblem(body))).toEqual({ method: 'POST', url: '/api/v1/problems', body })
    sent = []
    expect(await one(() => problems.actOnProblem(5, { version: 2, action: 'start' }))).toEqual({
      method: 'POST',
      url: '/api/v1/problems/5/actions',
      body: { version: 2, action: 'start' },
    })
    sent = []
    expect((await one(() => problems.problemTimeline(5))).url).toBe('/api/v1/problems/5/timeline')
  })

  it('changes a need and a measure at the version read, and reads their history', async () => {
    answer = () => json({})
    expect(await one(() => needs.updateNeed(4, { version: 3, status: 'met', response: '' }))).toEqual({
      method: 'PATCH',
      url: '/api/v1/needs/4',
      body: { version: 3, status: 'met', response: '' },
    })
    sent = []
    expect(await one(() => measures.updateMeasure(8, { version: 1, status: 'in-progress' }))).toEqual({
      method: 'PATCH',
      url: '/api/v1/measures/8',
      body: { version: 1, status: 'in-progress' },
    })
    sent = []
    answer = () => json([])
    expect((await one(() => measures.measureHistory(8))).url).toBe('/api/v1/measures/8/history')
    sent = []
    expect((await one(() => needs.needHistory(4))).url).toBe('/api/v1/needs/4/history')
  })
})

describe('plans and activities', () => {
  it('moves a plan on with its version, and publishes a batch by id and version only', async () => {
    answer = () => json({ id: 9 })
    expect(await one(() => plans.submitPlan(9, 4))).toEqual({ method: 'POST', url: '/api/v1/plans/9/submit', body: { version: 4 } })
    sent = []
    expect(await one(() => plans.cancelPlan(9, 5, '天气'))).toEqual({ method: 'POST', url: '/api/v1/plans/9/cancel', body: { version: 5, reason: '天气' } })
    sent = []
    answer = () => json({ items: [], next_cursor: null })
    const chosen = [{ id: 1, version: 2, date: '2026-07-01' }, { id: 3, version: 1, date: '2026-07-02' }]
    expect(await one(() => plans.publishPlans(chosen))).toEqual({
      method: 'POST',
      url: '/api/v1/plans/publish',
      body: { plans: [{ id: 1, version: 2 }, { id: 3, version: 1 }] },
    })
  })

  it('checks the filing of a stored draft by its id, of a new one without', async () => {
    answer = () => json({ can_file: false, missing: [], due: '2026-07-03', late: false })
    const body: ActivityBody = { unit_id: 2, kind: 'walk', mode: 'self', date: '2026-07-01', official_ids: [4] }
    expect(await one(() => activities.checkFiling(body, 12))).toEqual({ method: 'POST', url: '/api/v1/activities/filing-check?id=12', body })
    sent = []
    expect((await one(() => activities.checkFiling(body))).url).toBe('/api/v1/activities/filing-check')
  })

  it('replaces a draft whole and files it at its version', async () => {
    answer = () => json({ id: 12 })
    const body: ActivityBody = { unit_id: 2, kind: 'walk', mode: 'self', date: '2026-07-01', official_ids: [4], version: 3 }
    expect(await one(() => activities.replaceActivity(12, body))).toEqual({ method: 'PUT', url: '/api/v1/activities/12', body })
    sent = []
    expect(await one(() => activities.fileActivity(12, 4))).toEqual({ method: 'POST', url: '/api/v1/activities/12/file', body: { version: 4 } })
  })
})

describe('the registry', () => {
  it('removes a unit at its version and asks names by ids', async () => {
    answer = () => new Response(null, { status: 204 })
    expect(await one(() => units.removeUnit(6, 2))).toEqual({ method: 'DELETE', url: '/api/v1/units/6', body: { version: 2 } })
    sent = []
    answer = () => json({ items: [], next_cursor: null })
    expect((await one(() => units.unitNames([3, 4, 5]))).url).toBe('/api/v1/units/names?ids=3%2C4%2C5')
  })

  it('lists officials of a unit and items by name', async () => {
    expect((await one(() => officials.listOfficials({ unit: 3, q: '', cursor: null, limit: 50 }))).url).toBe('/api/v1/officials?unit=3&limit=50')
    sent = []
    expect((await one(() => items.listItems({ q: '开办', limit: 50, unit: undefined }))).url).toBe('/api/v1/items?q=%E5%BC%80%E5%8A%9E&limit=50')
    sent = []
    answer = () => json([])
    expect((await one(() => items.itemFigures(7))).url).toBe('/api/v1/items/7/figures')
  })
})

describe('attachments', () => {
  it('sends the file as the body, its owner and name in the query', async () => {
    answer = () => json({ id: 1 })
    const file = new Blob(['x'], { type: 'image/jpeg' })
    const s = await one(() => attachments.uploadAttachment('problem', 5, file, '整改 前.jpg'))
    expect(s.method).toBe('POST')
    expect(s.url).toBe('/api/v1/attachments?owner=problem&id=5&name=%E6%95%B4%E6%94%B9+%E5%89%8D.jpg')
    expect(s.body).toBe(file)
    sent = []
    answer = () => json([])
    expect((await one(() => attachments.listAttachments('activity', 8))).url).toBe('/api/v1/attachments?owner=activity&id=8')
  })
})

describe('reports', () => {
  it('asks the table and the drill of a region', async () => {
    answer = () => json({})
    expect((await one(() => reports.getStatTable({ period: '2026-07', region: null }))).url).toBe('/api/v1/reports/table?period=2026-07')
    sent = []
    expect((await one(() => reports.drillRecords({ period: '2026Q3', region: 1, unit: 4, figure: 'needs' }))).url).toBe(
      '/api/v1/reports/drill?period=2026Q3&region=1&unit=4&figure=needs',
    )
    sent = []
    expect(await one(() => reports.reviewFinding({ period: '2026Q3', key: 'empty-walk:4', decision: 'dismissed', reason: '已核实' }))).toEqual({
      method: 'POST',
      url: '/api/v1/reports/findings/review',
      body: { period: '2026Q3', key: 'empty-walk:4', decision: 'dismissed', reason: '已核实' },
    })
  })

  it('downloads the statistics table of a month or a quarter only', async () => {
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: () => 'blob:x', revokeObjectURL: () => {} }))
    answer = () => new Response('xlsx', { status: 200 })
    expect(await reports.downloadStatTable('2026Q3', 5, '统计表.xlsx')).toBe('统计表.xlsx')
    expect(sent[0]).toEqual({ method: 'GET', url: '/api/v1/reports/quarterly?period=2026Q3&format=xlsx&region=5', body: undefined })
    sent = []
    expect(await reports.downloadStatTable('2026', 5, '统计表.xlsx')).toBeNull()
    expect(sent).toEqual([])
  })
})

describe('the account and administration', () => {
  it('signs in and changes the password', async () => {
    answer = () => json({ id: 1 })
    expect(await one(() => auth.login('admin', 'pw'))).toEqual({ method: 'POST', url: '/api/v1/auth/login', body: { username: 'admin', password: 'pw' } })
    sent = []
    answer = () => new Response(null, { status: 204 })
    expect(await one(() => auth.changePassword({ old_password: 'a', new_password: 'b' }))).toEqual({
      method: 'POST',
      url: '/api/v1/me/password',
      body: { old_password: 'a', new_password: 'b' },
    })
  })

  it('resets a password, revokes tokens and sessions, filters the audit', async () => {
    answer = () => json({ one_time_password: 'x' })
    expect(await one(() => admin.resetPassword(4))).toEqual({ method: 'POST', url: '/api/v1/users/4/password', body: {} })
    sent = []
    answer = () => new Response(null, { status: 204 })
    expect((await one(() => admin.revokeToken(2))).method).toBe('DELETE')
    expect(sent[0].url).toBe('/api/v1/tokens/2')
    sent = []
    expect((await one(() => admin.revokeSession(3))).url).toBe('/api/v1/sessions/3')
    sent = []
    answer = () => json({ items: [], next_cursor: null })
    expect((await one(() => admin.listAudit({ entity: 'plan', actor: '', from: '2026-07-01', to: undefined, limit: 50 }))).url).toBe(
      '/api/v1/audit?entity=plan&from=2026-07-01&limit=50',
    )
  })

  it('puts a year of the calendar whole and activates a preset', async () => {
    answer = () => json({ year: 2026, covered: true, days: [] })
    const days = [{ date: '2026-10-01', kind: 'holiday', holiday: '国庆节' }]
    expect(await one(() => calendar.putCalendar(2026, days))).toEqual({ method: 'PUT', url: '/api/v1/calendar', body: { year: 2026, days } })
    sent = []
    expect((await one(() => calendar.getCalendar(2027))).url).toBe('/api/v1/calendar?year=2027')
    sent = []
    answer = () => json({ id: 1, name: '默认' })
    expect(await one(() => policy.activatePolicy({ preset: 'default' }))).toEqual({ method: 'POST', url: '/api/v1/policy', body: { preset: 'default' } })
  })
})

describe('督办: the account’s own to-do list, inbox and digest address', () => {
  it('reads the to-do list', async () => {
    answer = () => json({ items: [], overdue: 0, due_soon: 0 })
    expect(await one(() => duty.todos())).toEqual({ method: 'GET', url: '/api/v1/todos', body: undefined })
  })

  it('pages the inbox, the unread ones only when asked', async () => {
    answer = () => json({ items: [], total: 0, unread: 0 })
    expect(await one(() => duty.messages({ unread: true, limit: 20, offset: 40 }))).toEqual({
      method: 'GET',
      url: '/api/v1/messages?unread=true&limit=20&offset=40',
      body: undefined,
    })
    sent = []
    expect((await one(() => duty.messages({ unread: null, limit: 20, offset: 0 }))).url).toBe('/api/v1/messages?limit=20&offset=0')
    sent = []
    expect((await one(() => duty.messages())).url).toBe('/api/v1/messages')
  })

  it('counts the unread ones and marks one or all read', async () => {
    answer = () => json({ unread: 3 })
    expect(await duty.unreadCount()).toEqual({ unread: 3 })
    expect(sent).toEqual([{ method: 'GET', url: '/api/v1/messages/unread', body: undefined }])
    sent = []
    answer = () => new Response(null, { status: 204 })
    expect(await one(() => duty.markRead(12))).toEqual({ method: 'POST', url: '/api/v1/messages/12/read', body: {} })
    sent = []
    answer = () => json({ unread: 0 })
    expect(await duty.markAllRead()).toEqual({ unread: 0 })
    expect(sent).toEqual([{ method: 'POST', url: '/api/v1/messages/read-all', body: {} }])
  })

  it('reads and sets the digest address; null clears it', async () => {
    answer = () => json({ email: 'z***@example.cn' })
    expect(await duty.myEmail()).toEqual({ email: 'z***@example.cn' })
    expect(sent).toEqual([{ method: 'GET', url: '/api/v1/me/email', body: undefined }])
    sent = []
    expect(await one(() => duty.setMyEmail('zhang.san@example.cn'))).toEqual({
      method: 'PUT',
      url: '/api/v1/me/email',
      body: { email: 'zhang.san@example.cn' },
    })
    sent = []
    answer = () => json({ email: null })
    expect(await one(() => duty.setMyEmail(null))).toEqual({ method: 'PUT', url: '/api/v1/me/email', body: { email: null } })
  })

  it('gives the server’s reason for a malformed address by its field', async () => {
    answer = () =>
      json({ title: '请求有误', status: 422, detail: '邮箱格式不正确：「abc」', errors: [{ field: 'email', message: '邮箱格式不正确：「abc」' }] }, 422)
    const e = await duty.setMyEmail('abc').catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ApiError)
    expect((e as ApiError).fieldMessage('email')).toBe('邮箱格式不正确：「abc」')
  })
})

describe('报送: the board, a unit’s submission, 退回 and 催报', () => {
  it('reads the board of a report and period', async () => {
    answer = () => json({ rows: [] })
    expect(await one(() => submissions.board('quarterly-lists', '2024Q3'))).toEqual({
      method: 'GET',
      url: '/api/v1/submissions?report=quarterly-lists&period=2024Q3',
      body: undefined,
    })
  })

  it('submits a unit’s package, returns one at its version and urges the missing', async () => {
    answer = () => json({ unit_id: 4, status: 'submitted' })
    expect(await one(() => submissions.submit({ unit_id: 4, report: 'monthly-stats', period: '2024-09' }))).toEqual({
      method: 'POST',
      url: '/api/v1/submissions',
      body: { unit_id: 4, report: 'monthly-stats', period: '2024-09' },
    })
    sent = []
    expect(await one(() => submissions.returnSubmission(17, { version: 2, reason: '数据不完整' }))).toEqual({
      method: 'POST',
      url: '/api/v1/submissions/17/return',
      body: { version: 2, reason: '数据不完整' },
    })
    sent = []
    answer = () => json({ units: 3, messages: 5 })
    expect(await submissions.urge({ report: 'monthly-stats', period: '2024-09' })).toEqual({ units: 3, messages: 5 })
    expect(sent).toEqual([{ method: 'POST', url: '/api/v1/submissions/urge', body: { report: 'monthly-stats', period: '2024-09' } }])
  })

  it('gives the server’s words for what a package still lacks', async () => {
    const detail = '登记注册科2024年9月的材料不完整：尚有 1 条活动记录未报备，请补齐后再报送'
    answer = () => json({ title: '请求有误', status: 422, detail, errors: [{ field: 'unit_id', message: detail }] }, 422)
    const e = await submissions.submit({ unit_id: 4, report: 'monthly-stats', period: '2024-09' }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ApiError)
    expect((e as ApiError).status).toBe(422)
    expect((e as ApiError).fieldMessage('unit_id')).toBe(detail)
  })
})

describe('the active policy', () => {
  it('is read once for every page, again after a new one is activated, and again after a failed read', async () => {
    answer = () => json({ id: 1, policy: { kinds: {} } })
    // Earlier tests may have activated one: start from a fresh read.
    await policy.activatePolicy({ preset: 'default' })
    sent = []
    const [a, b] = await Promise.all([policy.activePolicy(), policy.activePolicy()])
    expect(a).toBe(b)
    await policy.activePolicy()
    expect(sent.map((s) => s.url)).toEqual(['/api/v1/policy'])
    await policy.activatePolicy({ preset: 'default' })
    answer = () => json({ type: '/problems/forbidden', title: '无权执行此操作', status: 403, detail: '无权' }, 403)
    await expect(policy.activePolicy()).rejects.toBeTruthy()
    answer = () => json({ id: 2, policy: { kinds: {} } })
    expect((await policy.activePolicy()).id).toBe(2)
    expect(sent.map((s) => `${s.method} ${s.url}`)).toEqual([
      'GET /api/v1/policy',
      'POST /api/v1/policy',
      'GET /api/v1/policy',
      'GET /api/v1/policy',
    ])
  })
})

describe('the public page and the tables', () => {
  it('reads a region’s published plans of a quarter', async () => {
    await publicApi.allPublicPlans({ period: '2026Q3', region: 12 }, 2000)
    expect(sent.map((s) => s.url)).toEqual(['/api/v1/public/plans?period=2026Q3&region=12&limit=200'])
  })

  it('spells the table paths: a unit list has no unit, the registry no period', () => {
    expect(office.exportPath('items', { period: '2026Q3', unit: 7 })).toBe('/exports/items?unit=7')
    expect(office.importPath('units', { unit: 3, dryRun: true, name: 'a.xlsx' })).toBe('/imports/units?dry_run=true&name=a.xlsx')
    expect(office.templatePath('lists')).toBe('/templates/lists')
  })
})
