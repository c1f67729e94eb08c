// 事项 (registry.rs): the service items and their figures' history.

import { api, fetchAll, type Page, type Params } from '../api'
import type { FiguresRecord, Item, ItemBody, ItemPatch, QueryOf, Schemas } from './types'

export type ItemQuery = Params<QueryOf<'items_list'>>

export const listItems = (q: ItemQuery = {}): Promise<Page<Item>> => api.get<Schemas['ListOf_ItemOut']>('/items', q)

/** Every item in scope (of the filter), up to `max`. */
export const allItems = (q: ItemQuery = {}, max?: number) => fetchAll<Item>('/items', q, max)

export const getItem = (id: number) => api.get<Item>(`/items/${id}`)

export const createItem = (body: ItemBody) => api.post<Item>('/items', body)

export const updateItem = (id: number, body: ItemPatch) => api.patch<Item>(`/items/${id}`, body)

/** 流程要素历史 each recorded change of the item's figures. */
export const itemFigures = (id: number) => api.get<FiguresRecord[]>(`/items/${id}/figures`)
