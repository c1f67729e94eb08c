// The HTTP client of the web application: JSON in and out, problem+json
// errors turned into ApiError with the server's Chinese messages, and an
// expired session sent back to the sign-in page (returning afterwards).
// The endpoints themselves are src/api/*.ts, one function each; pages call
// those, never a path.

import type { Schemas } from './api/types'

/**
 * One field the server refused, with its Chinese reason; for a row of an
 * imported table also its row, column and worksheet.
 */
export type FieldError = Schemas['ProblemField']

/** A refusal from the server (RFC 9457 problem+json). */
export class ApiError extends Error {
  status: number
  title: string
  detail: string
  errors: FieldError[]
  constructor(status: number, body: Partial<{ title: string; detail: string; errors: FieldError[] }>) {
    const detail = body.detail || body.title || `请求失败（${status}）`
    super(detail)
    this.status = status
    this.title = body.title || ''
    this.detail = detail
    this.errors = body.errors || []
  }
  /** The message for a field, if the server named it. */
  fieldMessage(field: string): string | undefined {
    return this.errors.find((e) => e.field === field)?.message
  }
}

/** A page of a list: the rows and the cursor of the next page (the generated `ListOf_…` shape). */
export interface Page<T> {
  items: T[]
  next_cursor?: string | null
  /** How many rows the whole list holds (the campaign lists, on their first page). */
  total?: number | null
  /** The list holds more than `total` (counted up to 10,000). */
  total_capped?: boolean
}

/** An operation's query as a page fills it in: a value left empty (null, '') is not sent. */
export type Params<Q> = { [K in keyof Q]?: Q[K] | null }

type Unauthorized = () => void
let onUnauthorized: Unauthorized = () => {}

/** Registers what happens when a request finds the session gone. */
export function setUnauthorizedHandler(f: Unauthorized) {
  onUnauthorized = f
}

export async function parseError(res: Response): Promise<ApiError> {
  return errorFromText(res.status, await res.text().catch(() => ''))
}

/** An ApiError from a refusal's status and body text (problem+json, or anything else). */
export function errorFromText(status: number, text: string): ApiError {
  let body: Partial<{ title: string; detail: string; errors: FieldError[] }> = {}
  try {
    const parsed: unknown = JSON.parse(text)
    if (parsed && typeof parsed === 'object') body = parsed
  } catch {
    body = {}
  }
  return new ApiError(status, body)
}

/** Query string of the defined, non-empty values. */
export function query(params: Record<string, unknown>): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue
    q.set(k, String(v))
  }
  const s = q.toString()
  return s ? `?${s}` : ''
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: {} }
  if (body instanceof Blob || body instanceof ArrayBuffer) {
    init.body = body
  } else if (body !== undefined) {
    init.body = JSON.stringify(body)
    ;(init.headers as Record<string, string>)['content-type'] = 'application/json'
  }
  const res = await fetch(`/api/v1${path}`, init)
  if (res.status === 401 && !path.startsWith('/auth/')) {
    onUnauthorized()
  }
  if (!res.ok) throw await parseError(res)
  if (res.status === 204) return undefined as T
  const text = await res.text()
  return (text ? JSON.parse(text) : undefined) as T
}

/**
 * The file name of a download from its Content-Disposition: the RFC 6266
 * `filename*=UTF-8''…` form the server sends for Chinese names, else the
 * plain `filename="…"`, else `fallback`.
 */
export function fileNameOf(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(disposition)
  if (star) {
    try {
      return decodeURIComponent(star[1].trim())
    } catch {
      // a malformed escape: try the plain name
    }
  }
  const plain = /filename\s*=\s*"([^"]*)"/.exec(disposition) ?? /filename\s*=\s*([^;]+)/.exec(disposition)
  const name = plain?.[1].trim()
  return name && name !== 'download' ? name : fallback
}

/** Saves a blob as `name` through the browser's download. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 0)
}

/**
 * A file the server writes (xlsx tables, the docx notice), downloaded under
 * the name it gives; a refusal is thrown as ApiError like any request.
 * Returns the name saved.
 */
export async function download(method: 'GET' | 'POST', path: string, body?: unknown, fallback = 'download'): Promise<string> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: {} }
  if (body !== undefined) {
    init.body = JSON.stringify(body)
    ;(init.headers as Record<string, string>)['content-type'] = 'application/json'
  }
  const res = await fetch(`/api/v1${path}`, init)
  if (res.status === 401) onUnauthorized()
  if (!res.ok) throw await parseError(res)
  const name = fileNameOf(res.headers.get('content-disposition'), fallback)
  saveBlob(await res.blob(), name)
  return name
}

/**
 * Sends a file as the request body, reporting how much of it has gone
 * (0…1) as it uploads; fetch cannot tell, so this one request is an XHR.
 */
export function upload<T>(path: string, file: Blob, contentType: string, onProgress: (sent: number) => void = () => {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', `/api/v1${path}`)
    xhr.setRequestHeader('content-type', contentType)
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total)
    }
    xhr.upload.onload = () => onProgress(1)
    xhr.onload = () => {
      if (xhr.status === 401) onUnauthorized()
      if (xhr.status < 200 || xhr.status >= 300) {
        reject(errorFromText(xhr.status, xhr.responseText))
        return
      }
      try {
        resolve((xhr.responseText ? JSON.parse(xhr.responseText) : undefined) as T)
      } catch {
        reject(new ApiError(xhr.status, { detail: '服务器的应答无法解析' }))
      }
    }
    xhr.onerror = () => reject(new ApiError(0, { detail: '网络中断，文件未能上传' }))
    xhr.send(file)
  })
}

export const api = {
  get: <T>(path: string, params: Record<string, unknown> = {}) => request<T>('GET', path + query(params)),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  del: <T>(path: string, body?: unknown) => request<T>('DELETE', path, body),
}

/**
 * A message for anything thrown by a request, for ElMessage: the server's
 * Chinese words, without field codes (forms show each beside its field).
 */
export function messageOf(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.errors.length) return [...new Set(e.errors.map((x) => x.message))].join('；')
    return e.detail
  }
  if (e instanceof Error) return e.message
  return String(e)
}

/**
 * Every row of a cursor list, following `next_cursor` 200 rows at a time,
 * up to `maxRows` rows (all of them unless told).
 */
export async function fetchAll<T>(path: string, params: Record<string, unknown> = {}, maxRows = Infinity): Promise<T[]> {
  const rows: T[] = []
  let cursor: string | null = null
  do {
    const page: Page<T> = await api.get<Page<T>>(path, { ...params, limit: 200, cursor })
    rows.push(...page.items)
    cursor = page.next_cursor ?? null
  } while (cursor && rows.length < maxRows)
  return rows
}
