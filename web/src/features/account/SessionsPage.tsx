import { createResource, For, Show } from 'solid-js'
import { graphql } from '../../gql'
import { mutate, query } from '../../lib/client'
import { logOut } from '../../lib/session'
import { refreshWhileVisible } from '../../lib/freshness'
import { Async, ErrorBox, formatTime, toast, useAction } from '../../components/ui'

const SessionsQuery = graphql(`
  query Sessions {
    sessions { id createdAt lastUsedAt expiresAt userAgent current }
  }
`)

const RevokeSession = graphql(`
  mutation RevokeSession($id: ID!) { revokeSession(id: $id) }
`)

/** "Chrome on Linux" from a user agent string; the raw string stays in the title. */
function describeAgent(ua: string | null | undefined): string {
  if (!ua) return 'Unknown device'
  const browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox' : /Chrom(e|ium)\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : /node|undici/i.test(ua) ? 'Script' : 'Browser'
  const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Windows/.test(ua) ? 'Windows' : /Mac OS X/.test(ua) ? 'macOS' : /Linux/.test(ua) ? 'Linux' : ''
  return os ? `${browser} on ${os}` : browser
}

export function SessionsPage() {
  const [sessions, { refetch }] = createResource(() => query(SessionsQuery, {}).then((d) => d.sessions))
  // a sign-in elsewhere, or a session ended elsewhere, shows up without a reload
  refreshWhileVisible(refetch, 10_000)
  // forgotten sign-ins pile up (every browser, every test script): end them all in one go
  const revokeOthers = useAction(async (ids: string[]) => {
    for (const id of ids) await mutate(RevokeSession, { id })
    toast(ids.length === 1 ? 'Signed out of 1 other session' : `Signed out of ${ids.length} other sessions`)
    await refetch()
  })
  const revoke = useAction(async (id: string, current: boolean) => {
    if (current) return logOut()
    await mutate(RevokeSession, { id })
    toast('Session revoked')
    await refetch()
  })
  return (
    <section class="page narrow">
      <h1>Sessions</h1>
      <p class="muted">Devices where you are signed in. Revoking one signs it out at once.</p>
      <Show when={revoke.error() || revokeOthers.error()}><ErrorBox error={revoke.error() || revokeOthers.error()} /></Show>
      <Async resource={sessions} refetch={refetch} label="Loading sessions…">
        {(list) => (
          <>
          <Show when={list.filter((s) => !s.current).length}>
            {(n) => (
              <p>
                <button type="button" class="btn small" aria-disabled={revokeOthers.busy()} onClick={() => void revokeOthers.run(list.filter((s) => !s.current).map((s) => s.id))}>
                  {n() === 1 ? 'Sign out the other session' : `Sign out all ${n()} other sessions`}
                </button>
              </p>
            )}
          </Show>
          <ul class="list card" aria-label="Active sessions">
            <For each={list}>
              {(s) => (
                <li class="list-row">
                  <div class="grow">
                    <p title={s.userAgent ?? ''}>
                      <strong>{describeAgent(s.userAgent)}</strong>
                      <Show when={s.current}> <span class="badge">This device</span></Show>
                    </p>
                    <p class="muted small">Signed in {formatTime(s.createdAt)} · last active {formatTime(s.lastUsedAt)}</p>
                  </div>
                  <button type="button" class="btn danger small" aria-disabled={revoke.busy()} aria-label={s.current ? 'Sign out of this device' : `Revoke session ${describeAgent(s.userAgent)} from ${formatTime(s.createdAt)}`} onClick={() => void revoke.run(s.id, s.current)}>
                    {s.current ? 'Sign out' : 'Revoke'}
                  </button>
                </li>
              )}
            </For>
          </ul>
          </>
        )}
      </Async>
    </section>
  )
}
