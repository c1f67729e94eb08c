// A link into a list page that opens one record: `/problems?open=12` (the
// 待办 page, the messages, the daily mail). The page opens the record's
// drawer or dialog as a row click would, then drops `open` from the address
// so that a refresh or going back does not open it again.

import { onMounted, watch } from 'vue'
import { useRoute, useRouter, type LocationQuery } from 'vue-router'

/** The record a query asks to open: a positive whole number, else none. */
export function openId(query: LocationQuery): number | null {
  const raw = Array.isArray(query.open) ? query.open[0] : query.open
  if (typeof raw !== 'string' || !/^\d{1,15}$/.test(raw)) return null
  const id = Number(raw)
  return id > 0 ? id : null
}

/** The query without `open`, the rest kept. */
export function withoutOpen(query: LocationQuery): LocationQuery {
  const rest: LocationQuery = { ...query }
  delete rest.open
  return rest
}

/**
 * Opens the record a link names with `open`: when the page is shown with it
 * and when it changes while the page is shown.
 */
export function useOpenFromQuery(open: (id: number) => void) {
  const route = useRoute()
  const router = useRouter()
  // This page's own route: while the router moves to another page, its query is not ours.
  const page = route.name
  function check() {
    if (route.name !== page || route.query.open === undefined) return
    const id = openId(route.query)
    router.replace({ query: withoutOpen(route.query), hash: route.hash })
    if (id !== null) open(id)
  }
  onMounted(check)
  watch(() => route.query.open, check)
}
