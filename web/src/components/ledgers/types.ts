// The ledger records as the API answers them (ProblemOut, NeedOut, MeasureOut…).

import type { Figures } from '../../api/types'
export type { Figures }

export interface Problem {
  id: number
  version: number
  unit_id: number
  section_id: number | null
  activity_id: number | null
  item_id: number | null
  source: string
  category: string
  description: string
  cause: string | null
  urgent: boolean
  other_units: number[]
  disposition: string
  deadline: string | null
  escalated_to: string | null
  status: string
  status_label: string
  handler_id: number | null
  measures: string | null
  effect: string | null
  evidence_count: number
  verifier_id: number | null
  found_on: string
  closed_on: string | null
  review_due: string | null
  reopen_count: number
  figures_after: Figures | null
  overdue: boolean
  allowed_actions: string[]
  /** What the ids above stand for, by name. */
  names?: {
    unit: string
    section: string | null
    other_units: string[]
    activity: string | null
    item: string | null
    handler: string | null
    verifier: string | null
  }
}

/** What a need's or measure's ids stand for, by name. */
export interface LedgerNames {
  unit: string
  activity: string | null
  problem: string | null
  need: string | null
}

export interface ProblemEvent {
  at: number
  /** The account's login name. */
  actor: string
  /** The account's display name, as a timeline shows it. */
  actor_name?: string
  action: string
  from_status: string | null
  to_status: string
  note: string | null
}

export interface Attachment {
  id: number
  name: string
  content_type: string
  size: number
  created_at: number
  url: string
}

export interface Need {
  id: number
  version: number
  unit_id: number
  activity_id: number | null
  problem_id: number | null
  raised_by: string
  content: string
  response: string | null
  status: string
  status_label: string
  raised_on: string
  closed_on: string | null
  names?: LedgerNames
}

export interface Measure {
  id: number
  version: number
  unit_id: number
  problem_id: number | null
  need_id: number | null
  activity_id: number | null
  content: string
  deadline: string | null
  done_on: string | null
  effect: string | null
  status: string
  status_label: string
  names?: LedgerNames
}
