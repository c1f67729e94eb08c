// The shared base of the need and measure drawers and forms: a step is
// checked before it is sent, a stale version is said and the record shown as
// it stands; a form fills from its record, saves, and closes on a stale one.

import { afterEach, describe, expect, it, vi } from 'vitest'
import { nextTick, reactive, ref } from 'vue'

vi.mock('element-plus', () => ({ ElMessage: { error: vi.fn(), success: vi.fn() }, ElMessageBox: { confirm: vi.fn() } }))
const { ElMessage } = await import('element-plus')
const { ApiError } = await import('../src/api')
const { useLedgerSteps, useLinkedDrawers } = await import('../src/composables/ledgerRecord')
const { useLedgerForm } = await import('../src/composables/ledgerForm')

interface Rec {
  id: number
  version: number
  status: string
  response: string | null
}

const stale = () => new ApiError(409, { title: '版本冲突', detail: '记录已被他人修改，请刷新后重试' })

afterEach(() => vi.clearAllMocks())

describe('useLedgerSteps', () => {
  function steps(send: (r: Rec) => Promise<Rec>) {
    const record = ref<Rec | null>({ id: 1, version: 2, status: 'open', response: null })
    const after = { updated: vi.fn(async () => {}), reload: vi.fn(async () => {}) }
    const form = reactive({ response: '' })
    const s = useLedgerSteps<Rec, 'answer'>(
      record,
      {
        check: (): Record<string, string> => (form.response ? {} : { response: '请填写对企业群众的回应' }),
        send,
        done: { answer: '已回应' },
      },
      after,
    )
    return { ...s, form, after }
  }

  it('sends nothing while the form misses something, and shows what', async () => {
    const send = vi.fn()
    const s = steps(send)
    s.openStep('answer')
    await s.confirm()
    expect(send).not.toHaveBeenCalled()
    expect(s.errors.value).toEqual({ response: '请填写对企业群众的回应' })
    expect(s.step.value).toBe('answer')
  })

  it('sends the step, says what it did, closes and shows the new version', async () => {
    const next = { id: 1, version: 3, status: 'answered', response: '已安排' }
    const s = steps(async () => next)
    s.form.response = '已安排'
    s.openStep('answer')
    await s.confirm()
    expect(ElMessage.success).toHaveBeenCalledWith('已回应')
    expect(s.step.value).toBeNull()
    expect(s.after.updated).toHaveBeenCalledWith(next)
    expect(s.acting.value).toBe(false)
  })

  it('on a stale version says why and shows the record as it stands', async () => {
    const s = steps(async () => Promise.reject(stale()))
    s.form.response = '已安排'
    s.openStep('answer')
    await s.confirm()
    expect(ElMessage.error).toHaveBeenCalledWith('记录已被他人修改，请刷新后重试')
    expect(s.step.value).toBeNull()
    expect(s.after.reload).toHaveBeenCalledTimes(1)
    expect(s.after.updated).not.toHaveBeenCalled()
  })

  it('keeps the dialog open with the server’s field messages on any other refusal', async () => {
    const s = steps(async () => Promise.reject(new ApiError(422, { detail: '参数错误', errors: [{ field: 'status', message: '不能从已满足改回' }] })))
    s.form.response = 'x'
    s.openStep('answer')
    await s.confirm()
    expect(s.step.value).toBe('answer')
    expect(s.errors.value).toEqual({ status: '不能从已满足改回' })
    expect(s.after.reload).not.toHaveBeenCalled()
  })
})

describe('useLinkedDrawers', () => {
  it('mounts a linked drawer the first time it opens, and keeps it', () => {
    const l = useLinkedDrawers(['problem', 'activity'] as const)
    expect(l.shown).toEqual({ problem: false, activity: false })
    l.show('activity')
    expect(l.shown.activity).toBe(true)
    expect(l.linked.activity).toBe(true)
    l.linked.activity = false
    expect(l.shown.activity).toBe(true)
  })
})

describe('useLedgerForm', () => {
  function form(record: Rec | null, send: (r: Rec | null) => Promise<Rec>) {
    const visible = ref(false)
    const state = reactive({ content: '', status: 'open' })
    const saved = vi.fn()
    const staleSeen = vi.fn()
    const f = useLedgerForm({
      visible,
      record: () => record,
      form: state,
      fill: (r) => ({ content: r ? `第${r.id}条` : '', status: r?.status ?? 'open' }),
      check: (): Record<string, string> => (state.content.trim() ? {} : { content: '请填写需求内容' }),
      send,
      savedMessage: '需求已保存',
      saved,
      stale: staleSeen,
    })
    return { f, visible, state, saved, staleSeen }
  }

  it('fills from the record as it opens, or blank for a new one', async () => {
    const edit = form({ id: 4, version: 1, status: 'answered', response: null }, vi.fn())
    edit.visible.value = true
    await nextTick()
    expect(edit.state).toEqual({ content: '第4条', status: 'answered' })
    expect(edit.f.editing.value).toBe(true)
    const create = form(null, vi.fn())
    create.state.content = '上次没保存的'
    create.visible.value = true
    await nextTick()
    expect(create.state).toEqual({ content: '', status: 'open' })
    expect(create.f.editing.value).toBe(false)
  })

  it('checks, sends, then closes and hands the record on', async () => {
    const next = { id: 9, version: 1, status: 'open', response: null }
    const send = vi.fn(async () => next)
    const t = form(null, send)
    t.visible.value = true
    await nextTick()
    await t.f.save()
    expect(send).not.toHaveBeenCalled()
    expect(t.f.errors.value).toEqual({ content: '请填写需求内容' })
    t.state.content = '希望网办'
    await t.f.save()
    expect(send).toHaveBeenCalledWith(null)
    expect(ElMessage.success).toHaveBeenCalledWith('需求已保存')
    expect(t.visible.value).toBe(false)
    expect(t.saved).toHaveBeenCalledWith(next)
  })

  it('closes on a stale version and lets the page show the record as it stands', async () => {
    const t = form({ id: 4, version: 1, status: 'open', response: null }, async () => Promise.reject(stale()))
    t.visible.value = true
    await nextTick()
    await t.f.save()
    expect(ElMessage.error).toHaveBeenCalledWith('记录已被他人修改，请刷新后重试')
    expect(t.visible.value).toBe(false)
    expect(t.staleSeen).toHaveBeenCalledTimes(1)
    expect(t.saved).not.toHaveBeenCalled()
    expect(t.f.busy.value).toBe(false)
  })
})
