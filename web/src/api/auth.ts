// 登录 and the signed-in account (auth.rs).

import { api } from '../api'
import type { Me, Schemas } from './types'

/** The signed-in account, or a 401 without a session. */
export const me = () => api.get<Me>('/me')

export const login = (username: string, password: string) => api.post<Me>('/auth/login', { username, password } satisfies Schemas['LoginBody'])

export const logout = () => api.post<void>('/auth/logout')

/** The account's own password; its other sessions end. */
export const changePassword = (body: Schemas['PasswordBody']) => api.post<void>('/me/password', body)
