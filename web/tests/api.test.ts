// The HTTP client: problem+json refusals become Chinese messages, and a lost
// session is reported once to the handler.

import { afterEach, describe, expect, it, vi } from 'vitest'
import { api, ApiError, messageOf, query, setUnauthorizedHandler } from '../src/api'

afterEach(() => vi.unstubAllGlobals())

function answer(status: number, body: unknown) {
  vi.stubGlobal('fetch', vi.fn(async () => new Response(body === undefined ? null : JSON.stringify(body), { status })))
}

describe('api', () => {
  it('turns a refusal into an ApiError with the server’s words, without field codes', async () => {
    answer(422, {
      title: '参数错误',
      status: 422,
      detail: '请检查填写的内容',
      errors: [
        { field: 'steps_done', message: '缺少必做环节「座谈交流」' },
        { field: 'callbacks', message: '有效回访不足 3 条' },
        { field: 'callbacks[0].phone', message: '有效回访不足 3 条' },
      ],
    })
    const e = await api.post('/activities/1/file', { version: 1 }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ApiError)
    const err = e as ApiError
    expect(err.status).toBe(422)
    expect(err.fieldMessage('steps_done')).toBe('缺少必做环节「座谈交流」')
    expect(messageOf(err)).toBe('缺少必做环节「座谈交流」；有效回访不足 3 条')
  })

  it('falls back to a status message when the body is not problem+json', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('<html>', { status: 502 })))
    const e = (await api.get('/me').catch((x: unknown) => x)) as ApiError
    expect(messageOf(e)).toBe('请求失败（502）')
  })

  it('reports a 401 to the handler, except from sign-in itself', async () => {
    const lost = vi.fn()
    setUnauthorizedHandler(lost)
    answer(401, { title: '未登录', status: 401, detail: '请先登录' })
    await api.get('/problems').catch(() => {})
    expect(lost).toHaveBeenCalledTimes(1)
    answer(401, { title: '未登录', status: 401, detail: '账号或口令错误' })
    await api.post('/auth/login', {}).catch(() => {})
    expect(lost).toHaveBeenCalledTimes(1)
  })

  it('answers nothing for 204', async () => {
    answer(204, undefined)
    expect(await api.post('/auth/logout')).toBeUndefined()
  })
})

describe('query', () => {
  it('leaves out empty values and keeps false and zero', () => {
    expect(query({ period: '2024Q1', unit: null, q: '', status: undefined, overdue: false, limit: 0 })).toBe('?period=2024Q1&overdue=false&limit=0')
    expect(query({})).toBe('')
  })
})
