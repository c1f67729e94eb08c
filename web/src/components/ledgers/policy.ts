// The active policy's rectification rules (GET /policy), read once.

import { ApiError, api } from '../../api'
import { dispositions } from '../../labels'

export interface Rectification {
  dispositions: string[]
  deadline_working_days?: number
  immediate_working_days?: number
  review_after_days?: number
}

let cached: Promise<Rectification> | null = null

/** The dispositions the active policy allows, and its default time limits. */
export function rectification(): Promise<Rectification> {
  cached ??= api
    .get<{ policy: { rectification?: Rectification } }>('/policy')
    .then((p) => p.policy.rectification ?? { dispositions: ['immediate', 'deadline', 'escalate'] })
    .catch((e) => {
      cached = null
      // A role without policy:read still records problems; the server checks the disposition.
      if (e instanceof ApiError && e.status === 403) return { dispositions: Object.keys(dispositions) }
      throw e
    })
  return cached
}
