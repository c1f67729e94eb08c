// 督办 for the signed-in account as the whole app sees it: its to-do list
// (read by the 待办 page and the dashboard, counted beside 待办 in the menu)
// and how many of its messages are unread (the bell).

import { defineStore } from 'pinia'
import * as duty from '../api/duty'
import type { TodoList } from '../api/types'

/** The reading of the to-do list under way: whoever asks meanwhile shares it. */
let reading: Promise<TodoList> | null = null

export const useDuty = defineStore('duty', {
  state: () => ({
    todos: null as TodoList | null,
    /** When the list was last read (ms), 0 never. */
    todosAt: 0,
    unread: 0,
  }),
  actions: {
    /** The to-do list read afresh (a refusal is thrown to the page that asked). */
    loadTodos(): Promise<TodoList> {
      if (!reading) {
        const r = duty.todos().then(
          (list) => {
            // Dropped by clear() meanwhile: another account's list.
            if (reading !== r) return list
            this.todos = list
            this.todosAt = Date.now()
            return list
          },
        )
        reading = r
        r.finally(() => {
          if (reading === r) reading = null
        }).catch(() => {})
      }
      return reading
    },
    /**
     * The menu's count kept current: the list read again when older than
     * `maxAge` ms. A failure leaves the count as it was (the pages say why).
     */
    async refreshTodos(maxAge = 0) {
      if (this.todosAt && Date.now() - this.todosAt < maxAge) return
      try {
        await this.loadTodos()
      } catch {
        // The count only: the 待办 page shows the error when opened.
      }
    },
    /** The bell's count; a failure keeps the last one. */
    async refreshUnread() {
      try {
        this.unread = (await duty.unreadCount()).unread
      } catch {
        // Shown again on the next poll.
      }
    },
    /** Nothing known: a new sign-in starts afresh. */
    clear() {
      reading = null
      this.$reset()
    },
  },
})
