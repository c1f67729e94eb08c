// What the menu offers a role, and where a lost session leads.

import { describe, expect, it } from 'vitest'
import type { RouteRecordRaw } from 'vue-router'
import { menuFor } from '../src/permissions'
import { afterSessionLost } from '../src/stores/auth'

const Page = { template: '<div />' }
const routes: RouteRecordRaw[] = [
  { path: '', name: 'dashboard', component: Page, meta: { title: '工作台' } },
  { path: 'todos', name: 'todos', component: Page, meta: { title: '待办' } },
  { path: 'plans', name: 'plans', component: Page, meta: { title: '计划', perm: 'plan:read' } },
  { path: 'problems', name: 'problems', component: Page, meta: { title: '问题台账', perm: 'problem:read' } },
  { path: 'system', name: 'system', component: Page, meta: { title: '系统' } },
  { path: 'messages', name: 'messages', component: Page, meta: { title: '消息', hidden: true } },
]
const titles = (perms: string[]) => menuFor(routes, (p) => perms.includes(p)).map((r) => r.meta?.title)

describe('menuFor', () => {
  it('shows a page only to a role holding its permission', () => {
    expect(titles(['problem:read', 'problem:handle'])).toEqual(['工作台', '待办', '问题台账'])
    expect(titles(['plan:read', 'problem:read'])).toEqual(['工作台', '待办', '计划', '问题台账'])
  })
  it('shows 系统 to any administrator duty, and to none else', () => {
    expect(titles(['audit:read'])).toEqual(['工作台', '待办', '系统'])
    expect(titles(['role:manage'])).toEqual(['工作台', '待办', '系统'])
    expect(titles(['plan:read'])).not.toContain('系统')
  })
  it('shows 待办 to everyone and 消息 to no one (the bell opens it)', () => {
    expect(titles([])).toEqual(['工作台', '待办'])
    expect(titles(['plan:read', 'problem:read', 'audit:read'])).not.toContain('消息')
  })
})

describe('afterSessionLost', () => {
  const here = (name: string, fullPath: string, isPublic = false) => ({ name, fullPath, meta: { public: isPublic } })

  it('sends a signed-in user to sign in, then back to the page with its query', () => {
    expect(afterSessionLost(true, here('problems', '/problems?overdue=1'))).toEqual({
      name: 'login',
      query: { redirect: '/problems?overdue=1' },
    })
  })
  it('does nothing before anyone signed in, on public pages and on the sign-in page', () => {
    expect(afterSessionLost(false, here('dashboard', '/'))).toBeNull()
    expect(afterSessionLost(true, here('public', '/public/', true))).toBeNull()
    expect(afterSessionLost(true, here('login', '/login'))).toBeNull()
  })
})
