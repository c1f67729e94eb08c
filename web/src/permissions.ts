import type { RouteRecordRaw } from 'vue-router'
import type { Permission } from './api/types'

/** Any of these opens the 系统 page (each tab needs its own). */
export const systemPermissions: Permission[] = [
  'user:manage',
  'role:manage',
  'token:manage',
  'session:manage',
  'loginlog:read',
  'audit:read',
  'policy:read',
]

/**
 * The menu of a signed-in account: the pages its permissions open, nothing
 * else (the server refuses the rest anyway; the menu does not offer them),
 * and none of the pages opened from elsewhere (`hidden`).
 */
export function menuFor(routes: RouteRecordRaw[], can: (permission: Permission) => boolean): RouteRecordRaw[] {
  return routes.filter((r) => {
    if (r.meta?.hidden) return false
    if (r.name === 'system') return systemPermissions.some(can)
    return !r.meta?.perm || can(r.meta.perm)
  })
}
