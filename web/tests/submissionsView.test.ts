// The 报送 page against a fake server: the board of the policy's first
// report at its current period, 一键催报 and 退回 for the lead office, 报送 for
// a unit's account with what the server says is missing, and the board read
// again after each.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { Permission, SubmissionBoard, SubmissionRow } from '../src/api/types'

// The Element Plus styles the pages import (unplugin-vue-components) are
// plain CSS, which the test runner cannot load from node_modules: none here.
vi.mock('element-plus/es/components/base/style/css', () => ({}))
vi.mock('element-plus/es/components/loading/style/css', () => ({}))
vi.mock('element-plus/es/components/table/style/css', () => ({}))
vi.mock('element-plus/es/components/table-column/style/css', () => ({}))
vi.mock('element-plus/es/components/empty/style/css', () => ({}))
vi.mock('element-plus/es/components/alert/style/css', () => ({}))
vi.mock('element-plus/es/components/tag/style/css', () => ({}))
vi.mock('element-plus/es/components/button/style/css', () => ({}))
vi.mock('element-plus/es/components/select/style/css', () => ({}))
vi.mock('element-plus/es/components/option/style/css', () => ({}))
vi.mock('element-plus/es/components/radio-group/style/css', () => ({}))
vi.mock('element-plus/es/components/radio-button/style/css', () => ({}))
vi.mock('element-plus/es/components/dialog/style/css', () => ({}))
vi.mock('element-plus/es/components/form/style/css', () => ({}))
vi.mock('element-plus/es/components/form-item/style/css', () => ({}))
vi.mock('element-plus/es/components/input/style/css', () => ({}))
vi.mock('element-plus', async (original) => ({
  ...(await original<typeof import('element-plus')>()),
  ElMessage: { success: vi.fn(), warning: vi.fn(), error: vi.fn() },
  ElMessageBox: { confirm: vi.fn(async () => 'confirm') },
}))
const { ElMessage, ElMessageBox } = await import('element-plus')
const { useAuth } = await import('../src/stores/auth')
const { currentPeriod } = await import('../src/period')
const SubmissionsView = (await import('../src/views/SubmissionsView.vue')).default

const PERIOD = currentPeriod('quarter')

const row = (unit_id: number, unit_name: string, status: string, extra: Partial<SubmissionRow> = {}): SubmissionRow => ({
  unit_id,
  unit_name,
  status,
  status_label: { 'not-submitted': '未报送', submitted: '已报送', late: '逾期报送', returned: '已退回' }[status] ?? status,
  overdue: false,
  submission_id: status === 'not-submitted' ? null : unit_id * 10,
  version: status === 'not-submitted' ? null : 3,
  submitted_at: status === 'not-submitted' ? null : Date.UTC(2024, 9, 8, 2, 30),
  returned_reason: null,
  ...extra,
})

const boardOf = (rows: SubmissionRow[]): SubmissionBoard => ({
  report: 'quarterly-lists',
  report_name: '三张清单',
  period: PERIOD,
  period_label: '本季度',
  due: '2024-10-20',
  to: '区政务服务局',
  rows,
  not_submitted: rows.filter((r) => r.status === 'not-submitted').length,
  submitted: rows.filter((r) => r.status === 'submitted').length,
  late: rows.filter((r) => r.status === 'late').length,
  returned: rows.filter((r) => r.status === 'returned').length,
  reports: { 'quarterly-lists': '三张清单' },
})

interface Sent {
  method: string
  url: string
  body: unknown
}
let sent: Sent[]
/** The answers of the fake server by `METHOD path` (the query aside). */
let answers: Record<string, () => Response>

const json = (body: unknown, status = 200) => () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

beforeEach(() => {
  setActivePinia(createPinia())
  sent = []
  answers = {
    'GET /api/v1/policy': json({ id: 1, policy: { kinds: {}, reports: [{ code: 'quarterly-lists', name: '三张清单', period: 'quarter' }] } }),
  }
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      const method = init.method ?? 'GET'
      sent.push({ method, url, body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined })
      const answer = answers[`${method} ${url.split('?')[0]}`]
      return answer ? answer() : json({ title: '未找到', status: 404 }, 404)()
    }),
  )
  vi.mocked(ElMessage.success).mockClear()
  vi.mocked(ElMessage.error).mockClear()
  vi.mocked(ElMessageBox.confirm).mockClear()
})
afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

const settle = async () => {
  for (let i = 0; i < 5; i++) {
    await flushPromises()
    await nextTick()
    await new Promise((ok) => setTimeout(ok, 0))
  }
}

async function open(perms: Permission[]): Promise<VueWrapper> {
  const auth = useAuth()
  auth.me = { id: 1, username: 'u', display_name: '用户', permissions: perms } as unknown as typeof auth.me
  auth.loaded = true
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/submissions', component: SubmissionsView }] })
  await router.push('/submissions')
  const w = mount(SubmissionsView, { global: { plugins: [router] }, attachTo: document.body })
  await settle()
  return w
}

const boards = () => sent.filter((s) => s.method === 'GET' && s.url.startsWith('/api/v1/submissions'))

describe('the 报送 page', () => {
  it('shows the board of the first report at its current period, with the counts, the due date and where it goes', async () => {
    answers['GET /api/v1/submissions'] = json(boardOf([row(1, '市场监管局', 'submitted'), row(2, '税务局', 'not-submitted', { overdue: true })]))
    const w = await open(['report:read'])
    expect(boards().map((s) => s.url)).toEqual([`/api/v1/submissions?report=quarterly-lists&period=${PERIOD}`])
    expect(w.findAll('[data-test="submission-row"]')).toHaveLength(2)
    expect(w.get('[data-test="submission-count-not-submitted"]').text()).toBe('未报送 1')
    expect(w.get('[data-test="submission-count-submitted"]').text()).toBe('已报送 1')
    expect(w.get('[data-test="submission-due"]').text()).toBe('报送时限：2024-10-20')
    expect(w.get('[data-test="submission-to"]').text()).toBe('报送对象：区政务服务局')
    expect(w.findAll('[data-test="submission-overdue"]').map((t) => t.text())).toEqual(['已逾期'])
    // Whoever only reads: no action at all.
    expect(w.find('[data-test="submission-urge"]').exists()).toBe(false)
    expect(w.find('[data-test="submission-submit"]').exists()).toBe(false)
    expect(w.find('[data-test="submission-return"]').exists()).toBe(false)
    w.unmount()
  })

  it('urges every unit still missing for the lead office, naming how many, and reads the board again', async () => {
    answers['GET /api/v1/submissions'] = json(
      boardOf([row(1, '市场监管局', 'submitted'), row(2, '税务局', 'not-submitted'), row(3, '人社局', 'returned', { returned_reason: '数据有误请核对' })]),
    )
    answers['POST /api/v1/submissions/urge'] = json({ units: 2, messages: 3 })
    const w = await open(['report:read', 'problem:write', 'finding:review'])
    expect(w.find('[data-test="submission-submit"]').exists()).toBe(false)
    expect(w.findAll('[data-test="submission-return"]')).toHaveLength(1)
    expect(w.text()).toContain('数据有误请核对')
    await w.get('[data-test="submission-urge"]').trigger('click')
    await settle()
    expect(vi.mocked(ElMessageBox.confirm).mock.calls[0][0]).toContain('尚有 2 个单位未报送')
    expect(sent.filter((s) => s.method === 'POST')).toEqual([
      { method: 'POST', url: '/api/v1/submissions/urge', body: { report: 'quarterly-lists', period: PERIOD } },
    ])
    expect(ElMessage.success).toHaveBeenCalledWith('已向 2 个单位催报')
    expect(boards()).toHaveLength(2)
    w.unmount()
  })

  it('returns a package with a reason of at least 4 characters, at the version read', async () => {
    answers['GET /api/v1/submissions'] = json(boardOf([row(1, '市场监管局', 'late')]))
    answers['POST /api/v1/submissions/10/return'] = json(row(1, '市场监管局', 'returned'))
    const w = await open(['report:read', 'finding:review'])
    await w.get('[data-test="submission-return"]').trigger('click')
    await settle()
    // Element Plus puts the attribute on the textarea itself.
    const reason = document.querySelector<HTMLTextAreaElement>('textarea[data-test="submission-return-reason"]')!
    const confirm = document.querySelector<HTMLButtonElement>('[data-test="submission-return-confirm"]')!
    reason.value = '数据错'
    reason.dispatchEvent(new Event('input'))
    confirm.click()
    await settle()
    // Element Plus shows a field's error 100 ms after it is set.
    await new Promise((ok) => setTimeout(ok, 150))
    expect(document.body.textContent).toContain('退回原因至少 4 个字')
    expect(sent.filter((s) => s.method === 'POST')).toEqual([])
    reason.value = '数据有误，请核对'
    reason.dispatchEvent(new Event('input'))
    confirm.click()
    await settle()
    expect(sent.filter((s) => s.method === 'POST')).toEqual([
      { method: 'POST', url: '/api/v1/submissions/10/return', body: { version: 3, reason: '数据有误，请核对' } },
    ])
    expect(boards()).toHaveLength(2)
    w.unmount()
  })

  it('closes 退回 with the server’s words when the package changed meanwhile, and reads the board again', async () => {
    answers['GET /api/v1/submissions'] = json(boardOf([row(1, '市场监管局', 'submitted')]))
    answers['POST /api/v1/submissions/10/return'] = json({ title: '数据已被修改', status: 409, detail: '该材料已被他人修改，请刷新后重试' }, 409)
    const w = await open(['report:read', 'finding:review'])
    await w.get('[data-test="submission-return"]').trigger('click')
    await settle()
    const reason = document.querySelector<HTMLTextAreaElement>('textarea[data-test="submission-return-reason"]')!
    reason.value = '数据有误，请核对'
    reason.dispatchEvent(new Event('input'))
    document.querySelector<HTMLButtonElement>('[data-test="submission-return-confirm"]')!.click()
    await settle()
    expect(ElMessage.error).toHaveBeenCalledWith('该材料已被他人修改，请刷新后重试')
    expect(boards()).toHaveLength(2)
    w.unmount()
  })

  it('hands in a unit’s package, and shows what the server says is missing', async () => {
    answers['GET /api/v1/submissions'] = json(boardOf([row(4, '登记注册科', 'not-submitted')]))
    const detail = '登记注册科本季度的材料不完整：尚有 1 条活动记录未报备，请补齐后再报送'
    answers['POST /api/v1/submissions'] = json({ title: '请求有误', status: 422, detail, errors: [{ field: 'unit_id', message: detail }] }, 422)
    const w = await open(['report:read', 'problem:write'])
    expect(w.find('[data-test="submission-urge"]').exists()).toBe(false)
    await w.get('[data-test="submission-submit"]').trigger('click')
    await settle()
    expect(sent.filter((s) => s.method === 'POST')).toEqual([
      { method: 'POST', url: '/api/v1/submissions', body: { unit_id: 4, report: 'quarterly-lists', period: PERIOD } },
    ])
    expect(w.get('[data-test="submission-refused"]').text()).toContain('尚有 1 条活动记录未报备')
    expect(boards()).toHaveLength(2)
    w.unmount()
  })
})
