// 问题台账 (ledgers.rs): the list, one problem, its life cycle and timeline.

import { api, fetchAll, type Page, type Params } from '../api'
import type { LedgerQuery, Problem, ProblemAction, ProblemBody, ProblemEvent, Schemas } from './types'

export const listProblems = (q: Params<LedgerQuery> = {}): Promise<Page<Problem>> => api.get<Schemas['ListOf_ProblemOut']>('/problems', q)

/** Every problem of the filter, up to `max`. */
export const allProblems = (q: Params<LedgerQuery> = {}, max?: number) => fetchAll<Problem>('/problems', q, max)

export const getProblem = (id: number) => api.get<Problem>(`/problems/${id}`)

export const createProblem = (body: ProblemBody) => api.post<Problem>('/problems', body)

/** One step of the life cycle (start, submit, verify, reject, review, set-deadline) at the version read. */
export const actOnProblem = (id: number, body: ProblemAction) => api.post<Problem>(`/problems/${id}/actions`, body)

/** 整改过程 the problem's steps, oldest first. */
export const problemTimeline = (id: number) => api.get<ProblemEvent[]>(`/problems/${id}/timeline`)
