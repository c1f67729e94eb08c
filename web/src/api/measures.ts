// 整改清单 (ledgers.rs): the list, one measure, its changes and history.

import { api, type Page, type Params } from '../api'
import type { HistoryStep, LedgerQuery, Measure, MeasureBody, MeasurePatch, Schemas } from './types'

export const listMeasures = (q: Params<LedgerQuery> = {}): Promise<Page<Measure>> => api.get<Schemas['ListOf_MeasureOut']>('/measures', q)

export const getMeasure = (id: number) => api.get<Measure>(`/measures/${id}`)

export const createMeasure = (body: MeasureBody) => api.post<Measure>('/measures', body)

/** A change at the version read; a field left out stays, an empty string clears it. */
export const updateMeasure = (id: number, body: MeasurePatch) => api.patch<Measure>(`/measures/${id}`, body)

/** 办理过程 every write, oldest first. */
export const measureHistory = (id: number) => api.get<HistoryStep[]>(`/measures/${id}/history`)
