import { createEffect, Match, on, onCleanup, onMount, Show, Switch } from 'solid-js'
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
import { Sidebar } from './features/shell/Sidebar'
import { TabBar } from './features/shell/TabBar'
import { openSwitcher, QuickSwitcher } from './features/shell/QuickSwitcher'
import { refreshSoon, totalUnread } from './features/shell/conversations'
import { titleRoomName, titleText } from './features/shell/alerts'

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
  // the tab title: unread messages in rooms that are not muted, and the room on screen
  createEffect(() => { document.title = titleText(totalUnread(), match('/rooms/:id') ? titleRoomName() : null) })
  onCleanup(() => { document.title = 'Hearth' })
  // the list follows every navigation (a room created, joined, left or deleted ends in one)
  createEffect(on(pathname, () => refreshSoon(150), { defer: true }))
  const page = () => (pathname() === '/' ? 'rooms' : match('/rooms/:id') ? 'room' : 'other')
  return (
    <div class="shell" data-page={page()}>
      <a class="skip-link" href="#main">Skip to content</a>
      <header class="topbar">
        <Link href="/" class="brand"><span class="flame" aria-hidden="true">●</span> Hearth</Link>
        <nav aria-label="Main" class="main-nav">
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
          <button type="button" class="icon-btn phone-only switcher-icon" aria-label="Jump to a room or friend" onClick={() => openSwitcher()}>
            <svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round"><circle cx="11" cy="11" r="7" /><path d="m20 20-3.5-3.5" /></svg>
          </button>
          <span class="whoami" data-testid="whoami">{me() ? nameOf(me()!) : ''}</span>
          <button type="button" class="btn small" onClick={() => void logOut()}>Sign out</button>
        </div>
      </header>
      <FocusBar />
      {/* notices: on a phone a row of their own under the top bar, pushing the page down rather
          than lying over its controls; on a wide screen low on the sidebar (styles.css) */}
      <Toasts />
      <div class="shell-body">
        <Sidebar />
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
      </div>
      <TabBar />
      <QuickSwitcher />
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
    if (m === null && !authPage && !bootError()) navigate(`/signin${p === '/' ? '' : `?next=${encodeURIComponent(p)}`}`, { replace: true, force: true })
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
      <Show when={!me()}><Toasts /></Show>
    </>
  )
}
