import { defineStore } from 'pinia'
import type { RouteLocationNormalizedLoaded, RouteLocationRaw } from 'vue-router'
import * as auth from '../api/auth'
import type { Me, Permission } from '../api/types'

export const useAuth = defineStore('auth', {
  state: () => ({ me: null as Me | null, loaded: false, expired: false }),
  getters: {
    signedIn: (s) => s.me !== null,
  },
  actions: {
    /** Whether the account holds the permission (a misspelt code fails the type check). */
    can(permission: Permission): boolean {
      return this.me?.permissions.includes(permission) ?? false
    },
    async load(): Promise<Me | null> {
      try {
        this.me = await auth.me()
      } catch {
        this.me = null
      }
      this.loaded = true
      return this.me
    },
    async login(username: string, password: string) {
      await auth.login(username, password)
      this.expired = false
      return this.load()
    },
    async logout() {
      try {
        await auth.logout()
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
