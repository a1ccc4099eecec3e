import { createEffect, Match, onCleanup, onMount, Show, Switch } from 'solid-js'
import { Link } from './components/Link'
import { ErrorBox, Loading, Toasts } from './components/ui'
import { connState } from './lib/client'
import { match, navigate, pathname, queryParam, safeNext } from './lib/router'
import { bootError, bootstrap, logOut, me } from './lib/session'
import { nameOf } from './lib/users'
import { AuthPage } from './features/auth/AuthPage'
import { ProfilePage } from './features/account/ProfilePage'
import { SessionsPage } from './features/account/SessionsPage'
import { AccountPage } from './features/account/AccountPage'
import { GlobalLive } from './features/GlobalLive'
import { RoomsPage } from './features/rooms/RoomsPage'
import { JoinPage } from './features/rooms/JoinPage'
import { RoomPage } from './features/room/RoomPage'
import { FriendsPage } from './features/friends/FriendsPage'
import { NotificationsPage } from './features/notifications/NotificationsPage'
import { ProgressPage } from './features/focus/ProgressPage'
import { FocusBar } from './features/focus/FocusBar'
import { unread } from './features/notifications/store'

function ConnectionStatus() {
  const text = () => ({ idle: 'Not connected', connecting: 'Connecting…', connected: 'Connected', reconnecting: 'Reconnecting…', offline: 'Offline' })[connState()]
  return (
    <span class={`conn conn-${connState()}`} role="status" aria-live="polite" data-testid="connection-status">
      <span class="conn-dot" aria-hidden="true" />
      <span class="conn-text">{text()}</span>
    </span>
  )
}

function NavLink(props: { href: string; children: string; badge?: number }) {
  const active = () => (props.href === '/' ? pathname() === '/' || pathname().startsWith('/rooms') : pathname().startsWith(props.href))
  return (
    <Link href={props.href} class="nav-link" aria-current={active() ? 'page' : undefined}>
      {props.children}
      <Show when={(props.badge ?? 0) > 0}>
        <span class="badge count" aria-label={`${props.badge} unread`}>{props.badge}</span>
      </Show>
    </Link>
  )
}

function Shell() {
  createEffect(() => {
    document.title = unread() > 0 ? `(${unread()}) Hearth` : 'Hearth'
  })
  onCleanup(() => { document.title = 'Hearth' })
  return (
    <div class="shell">
      <a class="skip-link" href="#main">Skip to content</a>
      <header class="topbar">
        <Link href="/" class="brand"><span class="flame" aria-hidden="true">●</span> Hearth</Link>
        <nav aria-label="Main">
          <NavLink href="/">Rooms</NavLink>
          <NavLink href="/friends">Friends</NavLink>
          <NavLink href="/notifications" badge={unread()}>Notifications</NavLink>
          <NavLink href="/progress">Progress</NavLink>
          <NavLink href="/profile">Profile</NavLink>
          <NavLink href="/sessions">Sessions</NavLink>
          <NavLink href="/account">Account</NavLink>
        </nav>
        <div class="topbar-end">
          <ConnectionStatus />
          <span class="whoami" data-testid="whoami">{me() ? nameOf(me()!) : ''}</span>
          <button type="button" class="btn small" onClick={() => void logOut()}>Sign out</button>
        </div>
      </header>
      <FocusBar />
      <main id="main" class="content" tabindex="-1">
        <Switch fallback={<section class="page"><h1>Not found</h1><p><Link href="/">Back to rooms</Link></p></section>}>
          <Match when={pathname() === '/'}><RoomsPage /></Match>
          <Match when={match('/rooms/:id')}>{(p) => <RoomPage id={p().id} />}</Match>
          <Match when={match('/join/:code')}>{(p) => <JoinPage code={p().code} />}</Match>
          <Match when={pathname() === '/friends'}><FriendsPage /></Match>
          <Match when={pathname() === '/notifications'}><NotificationsPage /></Match>
          <Match when={pathname() === '/progress'}><ProgressPage /></Match>
          <Match when={pathname() === '/profile'}><ProfilePage /></Match>
          <Match when={pathname() === '/sessions'}><SessionsPage /></Match>
          <Match when={pathname() === '/account'}><AccountPage /></Match>
        </Switch>
      </main>
      <GlobalLive />
    </div>
  )
}

export function App() {
  onMount(() => void bootstrap())

  // signed-out visitors land on sign-in, keeping where they wanted to go (a /join link, say)
  createEffect(() => {
    const m = me()
    const p = pathname()
    const authPage = p === '/signin' || p === '/signup'
    if (m === null && !authPage && !bootError()) navigate(`/signin${p === '/' ? '' : `?next=${encodeURIComponent(p)}`}`, { replace: true })
    // signed in on an auth page: go where the visitor was headed (this runs as soon as the session
    // starts, before the form's own navigation, so it must keep `next` too)
    if (m && authPage) navigate(safeNext(queryParam('next')), { replace: true })
  })

  return (
    <>
      <Switch fallback={<main class="auth-page"><Loading label="Starting Hearth…" /></main>}>
        <Match when={bootError()}>
          <main class="auth-page"><ErrorBox error={bootError()} retry={() => void bootstrap()} /></main>
        </Match>
        <Match when={me() === null && (pathname() === '/signup' || pathname() === '/signin')}>
          <AuthPage mode={pathname() === '/signup' ? 'signup' : 'signin'} />
        </Match>
        <Match when={me()}><Shell /></Match>
      </Switch>
      <Toasts />
    </>
  )
}
