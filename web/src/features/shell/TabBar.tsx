// Phones: the app's sections as a tab bar at the bottom of the screen (hidden on wide screens,
// where the top bar has them).
import { type JSX, Show } from 'solid-js'
import { BellIcon, ChartIcon, ChatIcon, PeopleIcon, PersonIcon } from './icons'
import { Link } from '../../components/Link'
import { pathname } from '../../lib/router'
import { unread } from '../notifications/store'
import { totalUnread } from './conversations'

function Tab(props: { href: string; label: string; icon: JSX.Element; badge?: number; active: boolean }) {
  return (
    <Link href={props.href} class="tab" aria-current={props.active ? 'page' : undefined}
      aria-label={`${props.label}${(props.badge ?? 0) > 0 ? `, ${props.badge} unread` : ''}`}>
      <span class="tab-icon" aria-hidden="true">{props.icon}</span>
      <span class="tab-label" aria-hidden="true">{props.label}</span>
      <Show when={(props.badge ?? 0) > 0}><span class="badge count tab-badge" aria-hidden="true">{props.badge}</span></Show>
    </Link>
  )
}

export function TabBar() {
  const p = () => pathname()
  return (
    <nav class="tabbar" aria-label="Sections">
      <Tab href="/" label="Rooms" icon={<ChatIcon />} badge={totalUnread()} active={p() === '/' || p().startsWith('/rooms') || p().startsWith('/join')} />
      <Tab href="/friends" label="Friends" icon={<PeopleIcon />} active={p() === '/friends'} />
      <Tab href="/notifications" label="Notifications" icon={<BellIcon />} badge={unread()} active={p() === '/notifications'} />
      <Tab href="/progress" label="Progress" icon={<ChartIcon />} active={p() === '/progress'} />
      <Tab href="/profile" label="Me" icon={<PersonIcon />} active={p() === '/profile' || p() === '/sessions'} />
    </nav>
  )
}
