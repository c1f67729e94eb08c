// 活动规则 (policy.rs): the active policy, the presets, the versions, and
// activating one.

import { api } from '../api'
import type { AnyPeriodKind } from '../period'
import type { ActivateBody, PolicyVersion, Preset, Schemas } from './types'

// The document types the parsed policy as a bare object (the policy file's
// own format is the server's, checked by its parser): these are the parts
// the pages read, each optional where a policy may leave it out.

/** One sub-step of a kind of activity, with what it asks for. */
export type PolicyStep = {
  code: string
  label: string
  detail?: string
  required?: boolean
  items?: { min: number; max: number }
  callbacks?: { min_valid: number; lookback_months: number }
}

/** What a kind of activity allows and asks for. */
export type PolicyKind = {
  modes: Schemas['Mode'][]
  channels?: Schemas['Channel'][]
  min_duration_hours?: number
  focus?: string[]
  steps?: PolicyStep[]
}

/** 整改: the dispositions allowed and the default time limits (working days). */
export type Rectification = {
  dispositions: Schemas['Disposition'][]
  deadline_working_days?: number
  immediate_working_days?: number
  review_after_days?: number
}

/** 报送 one report the units hand in, each period of its kind, to `to`. */
export type PolicyReport = {
  code: string
  name: string
  period: AnyPeriodKind
  to?: string
  content?: string
}

/** The parsed rules, as far as the pages read them. */
export type PolicyRules = {
  kinds: Record<string, PolicyKind>
  reports?: PolicyReport[]
  filing?: { within_working_days: number }
  meta?: { issuer?: string }
  rectification?: Rectification
  [rule: string]: unknown
}

/** The active policy: its version, its TOML text (for whoever may change it) and its parsed rules. */
export type ActivePolicy = Omit<Schemas['ActivePolicy'], 'policy'> & { policy: PolicyRules }

export const getPolicy = () => api.get<ActivePolicy>('/policy')

let active: Promise<ActivePolicy> | null = null

/**
 * The active policy, read once and shared by every page (the plan and
 * activity forms, the problem form's dispositions, the notice) until a new
 * one is activated here; a failed read is asked again next time.
 */
export function activePolicy(): Promise<ActivePolicy> {
  if (!active) {
    const p = getPolicy()
    active = p
    p.catch(() => {
      if (active === p) active = null
    })
  }
  return active
}
export const listPresets = () => api.get<Preset[]>('/policy/presets')
export const listPolicyVersions = () => api.get<PolicyVersion[]>('/policy/versions')
/** A preset or an edited text becomes the active policy. */
export const activatePolicy = (body: ActivateBody) =>
  api.post<PolicyVersion>('/policy', body).then((v) => {
    active = null
    return v
  })

