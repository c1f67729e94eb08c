// 系统管理 (admin.rs): accounts, roles and permissions, API tokens,
// sessions, the login log and the audit trail.

import { api, type Page, type Params } from '../api'
import type {
  AuditEntry,
  CreatedToken,
  CreatedUser,
  LoginEntry,
  PermissionInfo,
  QueryOf,
  Role,
  RoleBody,
  RolePatch,
  Schemas,
  Session,
  Token,
  TokenBody,
  User,
  UserBody,
  UserPatch,
  Verification,
} from './types'

// 账号
export const listUsers = (q: Params<QueryOf<'list_users'>> = {}): Promise<Page<User>> => api.get<Schemas['ListOf_UserOut']>('/users', q)
/** A new account and its one-time password, shown this once. */
export const createUser = (body: UserBody) => api.post<CreatedUser>('/users', body)
export const updateUser = (id: number, body: UserPatch) => api.patch<User>(`/users/${id}`, body)
/** A new one-time password; the old one ends and a lock is lifted. */
export const resetPassword = (id: number) => api.post<Schemas['ResetPassword']>(`/users/${id}/password`)

// 角色与权限
export const listRoles = () => api.get<Role[]>('/roles')
export const createRole = (body: RoleBody) => api.post<Role>('/roles', body)
export const updateRole = (id: number, body: RolePatch) => api.patch<Role>(`/roles/${id}`, body)
export const listPermissions = () => api.get<PermissionInfo[]>('/permissions')

// 接口令牌
export const listTokens = () => api.get<Token[]>('/tokens')
/** A new token and its secret, shown this once. */
export const createToken = (body: TokenBody) => api.post<CreatedToken>('/tokens', body)
export const revokeToken = (id: number) => api.del<void>(`/tokens/${id}`)

// 会话
export const listSessions = (q: Params<QueryOf<'list_sessions'>> = {}): Promise<Page<Session>> =>
  api.get<Schemas['ListOf_SessionOut']>('/sessions', q)
export const revokeSession = (id: number) => api.del<void>(`/sessions/${id}`)

// 登录日志
export const listLoginLog = (q: Params<QueryOf<'login_log'>> = {}): Promise<Page<LoginEntry>> =>
  api.get<Schemas['ListOf_LoginOut']>('/login-log', q)

// 审计日志
export const listAudit = (q: Params<QueryOf<'audit_list'>> = {}): Promise<Page<AuditEntry>> => api.get<Schemas['ListOf_AuditOut']>('/audit', q)
/** The chain checked from the first entry. */
export const verifyAudit = () => api.get<Verification>('/audit/verify')
