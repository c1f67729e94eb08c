// The active policy's rectification rules, from the one shared read of
// GET /policy (api/policy.ts).

import { ApiError } from '../../api'
import { activePolicy, type Rectification } from '../../api/policy'
import type { Schemas } from '../../api/types'
import { dispositions } from '../../labels'

export type { Rectification }

/** The dispositions the active policy allows, and its default time limits. */
export function rectification(): Promise<Rectification> {
  return activePolicy()
    .then((p): Rectification => p.policy.rectification ?? { dispositions: ['immediate', 'deadline', 'escalate'] })
    .catch((e): Rectification => {
      // A role without policy:read still records problems; the server checks the disposition.
      if (e instanceof ApiError && e.status === 403) return { dispositions: Object.keys(dispositions) as Schemas['Disposition'][] }
      throw e
    })
}
