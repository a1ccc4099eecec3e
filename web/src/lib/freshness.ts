// Lists the server pushes no events for (sessions, the public room directory) stay fresh by
// asking again: when the page comes back into view, when the socket reconnects, and every few
// seconds while it is visible. Call inside a component: it stops with it.
import { createEffect, on, onCleanup } from 'solid-js'
import { connEpoch } from './client'

export function refreshWhileVisible(refetch: () => unknown, everyMs: number) {
  const again = () => { if (document.visibilityState === 'visible') void refetch() }
  const timer = setInterval(again, everyMs)
  document.addEventListener('visibilitychange', again)
  window.addEventListener('focus', again)
  createEffect(on(connEpoch, again, { defer: true }))
  onCleanup(() => {
    clearInterval(timer)
    document.removeEventListener('visibilitychange', again)
    window.removeEventListener('focus', again)
  })
}
