import type { Permission } from '../../api/types'

/** The administrator duty of a permission; two duties may never meet in one role (三员分立). */
export const duties: Partial<Record<Permission, string>> = {
  'user:manage': '系统管理员',
  'token:manage': '系统管理员',
  'policy:write': '系统管理员',
  'role:manage': '安全管理员',
  'session:manage': '安全管理员',
  'audit:read': '审计管理员',
}
