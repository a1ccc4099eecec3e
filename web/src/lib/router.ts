// A small history router: a signal holding the path, pushState navigation and pattern matching.
// The app has a handful of flat routes, which does not justify a router dependency.
import { createSignal } from 'solid-js'
import { focusPage } from './focusKeeper'

const current = () => location.pathname + location.search
const [path, setPath] = createSignal(current())
export { path }

/**
 * Whether the page may go to `to` (a call in progress asks first). A guard that says no keeps
 * the page where it is: a link does nothing, Back is undone.
 */
type Guard = (to: string) => boolean
const guards = new Set<Guard>()
export function guardNavigation(guard: Guard): () => void {
  guards.add(guard)
  return () => { guards.delete(guard) }
}
const allowed = (to: string) => [...guards].every((g) => g(to))

/** the path on screen (Back has changed location already when popstate says so) */
let shown = current()
window.addEventListener('popstate', () => {
  const to = current()
  if (to !== shown && !allowed(to)) {
    history.pushState(null, '', shown)
    return
  }
  const page = shown.split('?')[0] !== to.split('?')[0]
  shown = to
  setPath(to)
  if (page) focusPage()
})

/** `force`: the app moves on whatever guards say (the room is gone, the user left it) */
export function navigate(to: string, opts: { replace?: boolean; force?: boolean } = {}) {
  if (to === current()) return
  if (!opts.force && !allowed(to)) return
  try {
    if (opts.replace) history.replaceState(null, '', to)
    else history.pushState(null, '', to)
  } catch {
    // an address the browser reads as another site's (it cannot be pushed): home instead
    if (opts.replace) history.replaceState(null, '', '/')
    else history.pushState(null, '', '/')
  }
  // another page (not the same one with another query): its heading takes the focus
  const page = shown.split('?')[0] !== location.pathname
  shown = current()
  setPath(shown)
  if (page) focusPage()
}

export function pathname(): string {
  return path().split('?')[0]
}

/** `/rooms/:id` against the current path: the params, or null when it does not match. */
export function match(pattern: string, p = pathname()): Record<string, string> | null {
  const a = pattern.split('/').filter(Boolean)
  const b = p.split('/').filter(Boolean)
  if (a.length !== b.length) return null
  const params: Record<string, string> = {}
  for (let i = 0; i < a.length; i++) {
    if (a[i].startsWith(':')) {
      try {
        params[a[i].slice(1)] = decodeURIComponent(b[i])
      } catch {
        return null
      }
    } else if (a[i] !== b[i]) return null
  }
  return params
}

export function queryParam(name: string): string | null {
  return new URLSearchParams(path().split('?')[1] ?? '').get(name)
}

/** A `next` parameter as a path on this site ('/' when missing or pointing elsewhere). */
export function safeNext(next: string | null): string {
  // the URL parser drops tabs and newlines ("/\t/evil.example" is "//evil.example") and reads "\" as "/"
  if (!next || /[\u0000-\u001f\u007f\\]/.test(next)) return '/'
  return next.startsWith('/') && !next.startsWith('//') && !/^\/(signin|signup)(\?|$)/.test(next) ? next : '/'
}
