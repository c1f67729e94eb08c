import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { useAuth } from './stores/auth'
import type { Permission } from './api/types'

declare module 'vue-router' {
  interface RouteMeta {
    title?: string
    /** Readable without signing in. */
    public?: boolean
    /** The permission a page needs; the menu hides what the role may not open. */
    perm?: Permission
    /** Not in the menu (opened from elsewhere: 消息 from the bell). */
    hidden?: boolean
  }
}

/** The pages of the signed-in application, in menu order. */
export const appRoutes: RouteRecordRaw[] = [
  { path: '', name: 'dashboard', component: () => import('./views/DashboardView.vue'), meta: { title: '工作台' } },
  { path: 'todos', name: 'todos', component: () => import('./views/TodosView.vue'), meta: { title: '待办' } },
  { path: 'plans', name: 'plans', component: () => import('./views/PlansView.vue'), meta: { title: '计划', perm: 'plan:read' } },
  { path: 'activities', name: 'activities', component: () => import('./views/ActivitiesView.vue'), meta: { title: '活动记录', perm: 'activity:read' } },
  { path: 'problems', name: 'problems', component: () => import('./views/ProblemsView.vue'), meta: { title: '问题台账', perm: 'problem:read' } },
  { path: 'needs', name: 'needs', component: () => import('./views/NeedsView.vue'), meta: { title: '需求清单', perm: 'problem:read' } },
  { path: 'measures', name: 'measures', component: () => import('./views/MeasuresView.vue'), meta: { title: '整改清单', perm: 'problem:read' } },
  { path: 'stats', name: 'stats', component: () => import('./views/StatsView.vue'), meta: { title: '统计', perm: 'report:read' } },
  { path: 'submissions', name: 'submissions', component: () => import('./views/SubmissionsView.vue'), meta: { title: '报送', perm: 'report:read' } },
  { path: 'items', name: 'items', component: () => import('./views/ItemsView.vue'), meta: { title: '事项清单', perm: 'item:read' } },
  { path: 'units', name: 'units', component: () => import('./views/UnitsView.vue'), meta: { title: '单位与人员', perm: 'unit:read' } },
  { path: 'system', name: 'system', component: () => import('./views/SystemView.vue'), meta: { title: '系统' } },
  { path: 'messages', name: 'messages', component: () => import('./views/MessagesView.vue'), meta: { title: '消息', hidden: true } },
]

const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('./views/LoginView.vue'), meta: { title: '登录' } },
  { path: '/password', name: 'password', component: () => import('./views/PasswordView.vue'), meta: { title: '账号设置' } },
  { path: '/public/', name: 'public', component: () => import('./views/PublicView.vue'), meta: { title: '公示', public: true } },
  { path: '/', component: () => import('./layout/AppLayout.vue'), children: appRoutes },
  { path: '/:rest(.*)*', name: 'not-found', component: () => import('./views/NotFoundView.vue'), meta: { title: '页面不存在', public: true } },
]

export const router = createRouter({ history: createWebHistory(), routes })

router.beforeEach(async (to) => {
  if (to.meta.public) return true
  const auth = useAuth()
  if (!auth.loaded) await auth.load()
  if (to.name === 'login') return auth.me && !auth.me.must_change_password ? { path: '/' } : true
  if (!auth.me) return { name: 'login', query: { redirect: to.fullPath } }
  if (auth.me.must_change_password && to.name !== 'password') return { name: 'password', query: { redirect: to.fullPath } }
  if (to.meta.perm && !auth.can(to.meta.perm)) return { name: 'dashboard' }
  return true
})

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} - 走流程工作平台` : '走流程工作平台'
})
