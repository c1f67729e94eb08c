/** 扎堆提示 that a save answers. */
export interface PlanWarning {
  kind: string
  other_plan_ids: number[]
  message: string
}

/** 计划 as the API answers it. */
export interface Plan {
  id: number
  version: number
  unit_id: number
  region_id: number
  official_ids: number[]
  item_ids: number[]
  kind: string
  kind_label: string
  mode: string | null
  date: string
  slot: string
  place: string
  window_unit_id: number | null
  place_note: string | null
  status: string
  outcome: string
  outcome_label: string
  cancel_reason: string | null
  activity_id: number | null
  warnings: PlanWarning[]
}

/** Tag colour of a plan's plan-versus-actual status. */
export function outcomeType(outcome: string): 'info' | 'primary' | 'success' | 'danger' | 'warning' {
  switch (outcome) {
    case 'published':
      return 'primary'
    case 'done':
      return 'success'
    case 'missed':
      return 'danger'
    case 'cancelled':
      return 'warning'
    default:
      return 'info'
  }
}
