import type { FieldError } from '../../api'

/**
 * 回访 as sent and answered (name and phone masked without `official:phone`).
 * A stored one has its `id`: sent back with it, a name or phone left out
 * keeps the sealed original.
 */
export interface Callback {
  id?: number | null
  name: string
  phone: string | null
  served_on: string | null
  called_on: string
  valid: boolean
  satisfaction: string | null
  remarks: string | null
}

/** 报备检查 of a draft. */
export interface Filing {
  can_file: boolean
  missing: FieldError[]
  due: string
  late: boolean
}

/** 活动记录 as the API answers it. */
export interface Activity {
  id: number
  version: number
  unit_id: number
  plan_id: number | null
  official_ids: number[]
  item_ids: number[]
  kind: string
  kind_label: string
  mode: string
  mode_label: string
  channel: string | null
  trigger: string
  unannounced: boolean
  date: string
  started: string | null
  ended: string | null
  place: string | null
  content: string | null
  visitors: number
  checked_items: number
  steps_done: string[]
  notes: string | null
  status: string
  filed_on: string | null
  late: boolean
  callbacks: Callback[]
  problem_count: number
  filing: Filing | null
  /** Date, unit and officials: what the record is called. */
  label?: string
  unit_name?: string
  official_names?: string[]
  item_names?: string[]
  /** The plan it fulfils, by date, half-day, unit and officials. */
  plan_label?: string | null
}

/** Whether a value came back masked (`张**`, `138****1234`). */
export const masked = (s: string | null | undefined) => !!s && s.includes('*')
