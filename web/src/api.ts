// The HTTP client of the web application: JSON in and out, problem+json
// errors turned into ApiError with the server's Chinese messages, and an
// expired session sent back to the sign-in page (returning afterwards).

/** One field the server refused, with its Chinese reason. */
export interface FieldError {
  field: string
  message: string
}

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

/** A page of a list: the rows and the cursor of the next page. */
export interface Page<T> {
  items: T[]
  next_cursor: string | null
}

type Unauthorized = () => void
let onUnauthorized: Unauthorized = () => {}

/** Registers what happens when a request finds the session gone. */
export function setUnauthorizedHandler(f: Unauthorized) {
  onUnauthorized = f
}

export async function parseError(res: Response): Promise<ApiError> {
  let body: Partial<{ title: string; detail: string; errors: FieldError[] }> = {}
  try {
    body = await res.json()
  } catch {
    body = {}
  }
  return new ApiError(res.status, body)
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
