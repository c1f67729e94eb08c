// 需求清单 (ledgers.rs): the list, one need, its changes and history.

import { api, fetchAll, type Page, type Params } from '../api'
import type { HistoryStep, LedgerQuery, Need, NeedBody, NeedPatch, Schemas } from './types'

export const listNeeds = (q: Params<LedgerQuery> = {}): Promise<Page<Need>> => api.get<Schemas['ListOf_NeedOut']>('/needs', q)

/** Every need of the filter, up to `max`. */
export const allNeeds = (q: Params<LedgerQuery> = {}, max?: number) => fetchAll<Need>('/needs', q, max)

export const getNeed = (id: number) => api.get<Need>(`/needs/${id}`)

export const createNeed = (body: NeedBody) => api.post<Need>('/needs', body)

/** A change at the version read; a field left out stays, an empty string clears it. */
export const updateNeed = (id: number, body: NeedPatch) => api.patch<Need>(`/needs/${id}`, body)

/** 办理过程 every write, oldest first. */
export const needHistory = (id: number) => api.get<HistoryStep[]>(`/needs/${id}/history`)
