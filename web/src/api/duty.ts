// 督办 (duty.rs): the signed-in account's own 待办, its inbox of reminders
// (站内消息) and the address its daily digest is mailed to.

import { api, type Params } from '../api'
import type { MessagePage, MyEmail, QueryOf, TodoList, UnreadCount } from './types'

/** 待办: overdue first, then due soon, then the rest (the server's order). */
export const todos = () => api.get<TodoList>('/todos')

/** One page of the inbox, newest first; `unread: true` for the unread ones only. */
export const messages = (q: Params<QueryOf<'messages'>> = {}) => api.get<MessagePage>('/messages', q)

/** How many messages are unread (the bell). */
export const unreadCount = () => api.get<UnreadCount>('/messages/unread')

export const markRead = (id: number) => api.post<void>(`/messages/${id}/read`)

export const markAllRead = () => api.post<UnreadCount>('/messages/read-all')

/** The digest's address, masked (z***@example.cn), or none. */
export const myEmail = () => api.get<MyEmail>('/me/email')

/** Sets the digest's address; null or '' stops the mail. Answers it masked. */
export const setMyEmail = (email: string | null) => api.put<MyEmail>('/me/email', { email } satisfies MyEmail)
