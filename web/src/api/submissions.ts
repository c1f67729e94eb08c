// 报送 (submissions.rs): the board of who has handed in which report of a
// period, a unit's submission, 退回 with a reason and 催报 to every unit
// still missing.

import { api } from '../api'
import type { QueryOf, ReturnBody, SubmissionBoard, SubmissionRow, SubmitBody, UrgeBody, UrgeResult } from './types'

/** 报送情况 of one report (its code in the policy) for one period of the report's kind. */
export const board = (report: string, period: string) => api.get<SubmissionBoard>('/submissions', { report, period } satisfies QueryOf<'board'>)

/** A unit hands in its package; refused (422) naming what is still missing, 409 when already in. */
export const submit = (body: SubmitBody) => api.post<SubmissionRow>('/submissions', body)

/** The lead office returns a package at the version read, with the reason (at least 4 characters). */
export const returnSubmission = (id: number, body: ReturnBody) => api.post<SubmissionRow>(`/submissions/${id}/return`, body)

/** 催报 every unit in scope that has not handed in (or was returned). */
export const urge = (body: UrgeBody) => api.post<UrgeResult>('/submissions/urge', body)
