// 计划 (plans.rs): the list, one plan, its saves and its way to publication.

import { api, fetchAll, type Page, type Params } from '../api'
import type { LedgerQuery, Plan, PlanBody, PlanPatch, Schemas } from './types'

export const listPlans = (q: Params<LedgerQuery> = {}): Promise<Page<Plan>> => api.get<Schemas['ListOf_PlanOut']>('/plans', q)

/** Every plan of the filter, up to `max`. */
export const allPlans = (q: Params<LedgerQuery> = {}, max?: number) => fetchAll<Plan>('/plans', q, max)

export const getPlan = (id: number) => api.get<Plan>(`/plans/${id}`)

export const createPlan = (body: PlanBody) => api.post<Plan>('/plans', body)

export const updatePlan = (id: number, body: PlanPatch) => api.patch<Plan>(`/plans/${id}`, body)

/** A draft handed to whoever may publish it (待发布). */
export const submitPlan = (id: number, version: number) => api.post<Plan>(`/plans/${id}/submit`, { version } satisfies Schemas['StatusBody'])

/** Published: on the public page from now on. */
export const publishPlan = (id: number, version: number) => api.post<Plan>(`/plans/${id}/publish`, { version } satisfies Schemas['StatusBody'])

export const cancelPlan = (id: number, version: number, reason: string) =>
  api.post<Plan>(`/plans/${id}/cancel`, { version, reason } satisfies Schemas['StatusBody'])

/** 批量发布: all of them at the versions read, or none. */
export const publishPlans = (plans: Pick<Plan, 'id' | 'version'>[]): Promise<Page<Plan>> =>
  api.post<Schemas['ListOf_PlanOut']>('/plans/publish', { plans: plans.map(({ id, version }) => ({ id, version })) } satisfies Schemas['PublishBody'])
