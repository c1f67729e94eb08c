// Shapes of the administration endpoints (crates/zlc-server/src/admin.rs).

/** 账号 */
export interface User {
  id: number
  version: number
  username: string
  display_name: string
  unit_id: number | null
  /** The unit by name (also for administrators who may not read units). */
  unit_name?: string | null
  roles: string[]
  disabled: boolean
  locked: boolean
  must_change_password: boolean
  last_login_at: number | null
}

/** 角色 */
export interface Role {
  id: number
  version: number
  code: string
  name: string
  permissions: string[]
  builtin: boolean
}

/** 权限 */
export interface PermissionInfo {
  code: string
  label: string
}

/** The administrator duty of a permission; two duties may never meet in one role (三员分立). */
export const duties: Record<string, string> = {
  'user:manage': '系统管理员',
  'token:manage': '系统管理员',
  'policy:write': '系统管理员',
  'role:manage': '安全管理员',
  'session:manage': '安全管理员',
  'audit:read': '审计管理员',
}
