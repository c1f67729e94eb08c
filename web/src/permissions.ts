/** Any of these opens the 系统 page (each tab needs its own). */
export const systemPermissions = [
  'user:manage',
  'role:manage',
  'token:manage',
  'session:manage',
  'loginlog:read',
  'audit:read',
  'policy:read',
]
