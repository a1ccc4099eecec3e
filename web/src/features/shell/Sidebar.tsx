// The persistent list of the user's rooms and direct messages (the left pane on wide screens,
// the Rooms tab on phones): most recent activity first, unread counts and mention badges live,
// muted rooms dimmed, and each room's notification level beside it.
import { For, Show } from 'solid-js'
import { Link } from '../../components/Link'
import { ErrorBox } from '../../components/ui'
import { handleOf, nameWithHandle, previewOf } from '../../lib/users'
import { conversationsError, conversations, currentRoomId, directRooms, groupRooms, mentionsOf, peerOf, refreshConversations, titleOf, unreadOf, type SidebarRoom } from './conversations'
import { LevelMenu } from './LevelMenu'
import { keyboardLikely, openSwitcher, shortcutText } from './QuickSwitcher'

function Row(props: { room: SidebarRoom }) {
  const r = () => props.room
  const title = () => titleOf(r())
  const unread = () => unreadOf(r())
  const mentions = () => mentionsOf(r())
  const muted = () => r().viewerNotificationLevel === 'NONE'
  const label = () => [title(), unread() ? `${unread()} unread` : '', mentions() ? `${mentions()} ${mentions() === 1 ? 'mention' : 'mentions'}` : '', muted() ? 'muted' : ''].filter(Boolean).join(', ')
  return (
    <li class={`sb-row ${muted() ? 'is-muted' : ''} ${unread() ? 'has-unread' : ''}`} data-room-id={r().id}>
      <Link href={`/rooms/${r().id}`} class="sb-link" aria-label={label()} aria-current={currentRoomId() === r().id ? 'page' : undefined}>
        <span class="sb-hash" aria-hidden="true">{r().kind === 'DIRECT' ? '@' : '#'}</span>
        <span class="sb-text">
          <span class="sb-name">{title()}<Show when={peerOf(r()) && handleOf(peerOf(r())!)}>{(h) => <span class="sb-handle"> @{h()}</span>}</Show></span>
          {/* the last message, its sender with their @username: display names may repeat */}
          <Show when={r().lastMessage}>
            {(m) => <span class="sb-last">{m().deletedAt ? 'Message deleted' : `${nameWithHandle(m().sender)}: ${previewOf(m())}`}</span>}
          </Show>
        </span>
        <Show when={mentions() > 0}><span class="badge mention" data-testid="mention-badge" aria-hidden="true">@{mentions()}</span></Show>
        <Show when={unread() > 0}><span class="badge count" data-testid="unread-badge" aria-hidden="true">{unread()}</span></Show>
      </Link>
      <LevelMenu compact roomId={r().id} roomTitle={title()} kind={r().kind} level={r().viewerNotificationLevel} />
    </li>
  )
}

export function Sidebar() {
  return (
    <nav class="sidebar" aria-label="Conversations">
      <div class="sb-top">
        <button type="button" class="btn switcher-btn" aria-keyshortcuts={keyboardLikely() ? 'Control+K Meta+K' : undefined} onClick={() => openSwitcher()}>
          <span>Jump to…</span><Show when={keyboardLikely()}><kbd aria-hidden="true">{shortcutText()}</kbd></Show>
        </button>
        <Link href="/" class="btn small browse-link">Browse or create rooms</Link>
      </div>
      <Show when={conversationsError()}><ErrorBox error={conversationsError()} retry={() => void refreshConversations()} /></Show>
      <h2 class="sb-heading" id="sb-rooms">Rooms</h2>
      <Show when={groupRooms().length || !conversations.loaded} fallback={<p class="muted small sb-empty">No rooms yet: browse or create one.</p>}>
        <ul class="sb-list" aria-label="Your rooms"><For each={groupRooms()}>{(r) => <Row room={r} />}</For></ul>
      </Show>
      <h2 class="sb-heading" id="sb-direct">Direct messages</h2>
      <Show when={directRooms().length} fallback={<p class="muted small sb-empty">Message a friend from the Friends page.</p>}>
        <ul class="sb-list" aria-label="Direct messages"><For each={directRooms()}>{(r) => <Row room={r} />}</For></ul>
      </Show>
    </nav>
  )
}
