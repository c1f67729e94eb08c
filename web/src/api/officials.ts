// 人员 (registry.rs): the officials of the units; `phone` masked unless the
// caller holds official:phone.

import { api, fetchAll, type Page, type Params } from '../api'
import type { Official, OfficialBody, OfficialPatch, QueryOf, Schemas } from './types'

export type OfficialQuery = Params<QueryOf<'officials_list'>>

export const listOfficials = (q: OfficialQuery = {}): Promise<Page<Official>> => api.get<Schemas['ListOf_OfficialOut']>('/officials', q)

/** Every official of the filter (a unit's subtree, or all in scope), up to `max`. */
export const allOfficials = (q: OfficialQuery = {}, max?: number) => fetchAll<Official>('/officials', q, max)

export const createOfficial = (body: OfficialBody) => api.post<Official>('/officials', body)

export const updateOfficial = (id: number, body: OfficialPatch) => api.patch<Official>(`/officials/${id}`, body)
