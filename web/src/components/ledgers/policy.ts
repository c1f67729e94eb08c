// The active policy's rectification rules (GET /policy), read once.

import { ApiError } from '../../api'
import { getPolicy, type Rectification } from '../../api/policy'
import type { Schemas } from '../../api/types'
import { dispositions } from '../../labels'

export type { Rectification }

let cached: Promise<Rectification> | null = null

/** The dispositions the active policy allows, and its default time limits. */
export function rectification(): Promise<Rectification> {
  cached ??= getPolicy()
    .then((p): Rectification => p.policy.rectification ?? { dispositions: ['immediate', 'deadline', 'escalate'] })
    .catch((e): Rectification => {
      cached = null
      // A role without policy:read still records problems; the server checks the disposition.
      if (e instanceof ApiError && e.status === 403) return { dispositions: Object.keys(dispositions) as Schemas['Disposition'][] }
      throw e
    })
  return cached
}
