// The phone-width switch: drawers and dialogs go full screen, forms put
// labels on top, below the same 768px breakpoint the style sheets use.

import { onBeforeUnmount, onMounted, ref } from 'vue'

export const PHONE_QUERY = '(max-width: 768px)'

/** True while the window is phone-wide, kept current as it changes. */
export function useIsMobile() {
  const query = window.matchMedia(PHONE_QUERY)
  const mobile = ref(query.matches)
  const update = (e: MediaQueryListEvent) => (mobile.value = e.matches)
  onMounted(() => query.addEventListener('change', update))
  onBeforeUnmount(() => query.removeEventListener('change', update))
  return mobile
}
