// 工作日历 (calendar.rs): a year's holidays and make-up workdays.

import { api } from '../api'
import type { Day, YearOut } from './types'

export const getCalendar = (year: number) => api.get<YearOut>('/calendar', { year })

/** The year's special days replaced as a whole. */
export const putCalendar = (year: number, days: Day[]) => api.put<YearOut>('/calendar', { year, days })
