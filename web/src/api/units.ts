// 单位 (registry.rs): the unit tree, one unit, and the names of units
// outside the reader's scope.

import { api, fetchAll, type Page, type Params } from '../api'
import type { QueryOf, Schemas, Unit, UnitBody, UnitName, UnitPatch } from './types'

export type UnitQuery = Params<QueryOf<'units_list'>>

export const listUnits = (q: UnitQuery = {}): Promise<Page<Unit>> => api.get<Schemas['ListOf_UnitOut']>('/units', q)

/** The units in the caller's scope, in tree order. */
export const allUnits = (q: UnitQuery = {}, max?: number) => fetchAll<Unit>('/units', q, max)

export const getUnit = (id: number) => api.get<Unit>(`/units/${id}`)

export const createUnit = (body: UnitBody) => api.post<Unit>('/units', body)

export const updateUnit = (id: number, body: UnitPatch) => api.patch<Unit>(`/units/${id}`, body)

/** Refused while it has units below it or records. */
export const removeUnit = (id: number, version: number) => api.del<void>(`/units/${id}`, { version } satisfies Schemas['VersionBody'])

/** The names of these units (at most NAMES_PER_REQUEST a request), also those outside the caller's scope. */
export const unitNames = (ids: number[]): Promise<Page<UnitName>> =>
  api.get<Schemas['ListOf_UnitName']>('/units/names', { ids: ids.join(',') } satisfies QueryOf<'names'>)
