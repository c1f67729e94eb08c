// 公示 (public.rs): what anyone may read without signing in.

import { fetchAll, type Params } from '../api'
import type { PublicPlan, PublicRectification, QueryOf } from './types'

export type PublicQuery = Params<QueryOf<'public_plans'>>

/** The published plans of a period (of a region), up to `max`. */
export const allPublicPlans = (q: PublicQuery, max?: number) => fetchAll<PublicPlan>('/public/plans', q, max)

/** The rectifications of a period (of a region), up to `max`. */
export const allPublicRectifications = (q: PublicQuery, max?: number) => fetchAll<PublicRectification>('/public/rectifications', q, max)
