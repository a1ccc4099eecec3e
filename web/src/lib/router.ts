// A small history router: a signal holding the path, pushState navigation and pattern matching.
// The app has a handful of flat routes, which does not justify a router dependency.
import { createSignal } from 'solid-js'

const current = () => location.pathname + location.search
const [path, setPath] = createSignal(current())
export { path }

window.addEventListener('popstate', () => setPath(current()))

export function navigate(to: string, opts: { replace?: boolean } = {}) {
  if (to === current()) return
  try {
    if (opts.replace) history.replaceState(null, '', to)
    else history.pushState(null, '', to)
  } catch {
    // an address the browser reads as another site's (it cannot be pushed): home instead
    if (opts.replace) history.replaceState(null, '', '/')
    else history.pushState(null, '', '/')
  }
  setPath(current())
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
