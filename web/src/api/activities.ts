// 活动记录 (activities.rs): the list, one record, its saves, the filing
// check and filing (报备).

import { api, fetchAll, query, type Page, type Params } from '../api'
import type { Activity, ActivityBody, Filing, LedgerQuery, Schemas } from './types'

export const listActivities = (q: Params<LedgerQuery> = {}): Promise<Page<Activity>> =>
  api.get<Schemas['ListOf_ActivityOut']>('/activities', q)

/** Every record of the filter, up to `max`. */
export const allActivities = (q: Params<LedgerQuery> = {}, max?: number) => fetchAll<Activity>('/activities', q, max)

export const getActivity = (id: number) => api.get<Activity>(`/activities/${id}`)

export const createActivity = (body: ActivityBody) => api.post<Activity>('/activities', body)

/** A draft replaced as a whole, at the version read. */
export const replaceActivity = (id: number, body: ActivityBody) => api.put<Activity>(`/activities/${id}`, body)

/** 报备: the draft becomes a filed record, or the refusal names what is missing. */
export const fileActivity = (id: number, version: number) =>
  api.post<Activity>(`/activities/${id}/file`, { version } satisfies Schemas['FileBody'])

/** What filing the form as it stands would still need (of the stored draft `id`, or of a new one). */
export const checkFiling = (body: ActivityBody, id?: number | null) =>
  api.post<Filing>(`/activities/filing-check${query({ id })}`, body)
