import { defineStore } from 'pinia'
import type { RouteLocationNormalizedLoaded, RouteLocationRaw } from 'vue-router'
import { api } from '../api'

/** 当前账号: the signed-in account as `/me` answers it. */
export interface Me {
  id: number
  username: string
  display_name: string
  roles: string[]
  permissions: string[]
  must_change_password: boolean
  unit_id: number | null
}

export const useAuth = defineStore('auth', {
  state: () => ({ me: null as Me | null, loaded: false, expired: false }),
  getters: {
    signedIn: (s) => s.me !== null,
  },
  actions: {
    can(permission: string): boolean {
      return this.me?.permissions.includes(permission) ?? false
    },
    async load(): Promise<Me | null> {
      try {
        this.me = await api.get<Me>('/me')
      } catch {
        this.me = null
      }
      this.loaded = true
      return this.me
    },
    async login(username: string, password: string) {
      await api.post('/auth/login', { username, password })
      this.expired = false
      return this.load()
    },
    async logout() {
      try {
        await api.post('/auth/logout')
      } finally {
        this.me = null
      }
    },
  },
})

/**
 * Where a request that found the session gone (expired, or revoked by the
 * security administrator) sends the user: to sign in, then back to the page
 * they were on. Before anyone signed in a 401 only means "not signed in" (the
 * router's guard handles that), and public pages need no session: stay.
 */
export function afterSessionLost(
  wasSignedIn: boolean,
  here: Pick<RouteLocationNormalizedLoaded, 'name' | 'meta' | 'fullPath'>,
): RouteLocationRaw | null {
  if (!wasSignedIn || here.meta.public || here.name === 'login') return null
  return { name: 'login', query: { redirect: here.fullPath } }
}
