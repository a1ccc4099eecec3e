// The room's header: its title and kind, the code and invite link, the phone's members toggle,
// and the room menu (settings; leave, delete, block behind a confirm: RoomMenu.tsx), the viewer's
// notification level for the room, and on phones a back link and the timer's countdown.
import { type JSX, Show } from 'solid-js'
import type { NotificationLevel, RoomViewFieldsFragment } from '../../gql/graphql'
import { Link } from '../../components/Link'
import { CompactTimer, type RoomTimerState } from '../focus/TimerPanel'
import { LevelMenu } from '../shell/LevelMenu'
import { toast } from '../../components/ui'
import type { RoomActions } from './roomActions'
import { RoomMenu } from './RoomMenu'
import { isModerator } from '../../lib/roles'

export function RoomHeader(props: { room: RoomViewFieldsFragment; title: string; memberCount: number; actions: RoomActions; panelOpen: boolean; onTogglePanel: () => void; onSettings: () => void; other: { id: string; displayName: string } | null; tools?: JSX.Element; handle?: string; timer: RoomTimerState | null; level: NotificationLevel | undefined }) {
  const r = () => props.room

  const inviteLink = () => `${location.origin}/join/${r().code}`
  const share = async () => {
    try {
      await navigator.clipboard.writeText(inviteLink())
      toast('Invite link copied')
    } catch {
      toast(`Invite code: ${r().code}`)
    }
  }

  return (
    <header class="room-header">
      {/* phones: the conversation is full-screen; this leads back to the list */}
      <Link href="/" class="icon-btn back-link phone-only" aria-label="Back to rooms">‹</Link>
      <div class="grow room-heading">
        <h1 id="room-title">{props.title}</h1>
        <p class="muted small">
          {r().kind === 'PUBLIC' ? 'Public room' : r().kind === 'PRIVATE' ? 'Private room' : props.handle ? `Direct messages with @${props.handle}` : 'Direct messages'}
          <Show when={r().description}> · {r().description}</Show>
        </p>
      </div>
      <Show when={props.timer}>
        {(t) => <CompactTimer timer={t()} onOpen={() => { if (!props.panelOpen) props.onTogglePanel() }} />}
      </Show>
      <div class="row wrap room-actions">
        <Show when={r().viewerIsMember}>
          <LevelMenu roomId={r().id} roomTitle={props.title} kind={r().kind} level={props.level ?? (r().kind === 'DIRECT' ? 'ALL' : 'MENTIONS')} />
        </Show>
        {props.tools}
        {/* the code for those told when it changes (roomChanged CODE_CHANGED reaches owner and moderators) */}
        {/* on phones these two move into the room menu (RoomMenu's "Copy invite link (code …)") */}
        <Show when={r().kind !== 'DIRECT' && isModerator(r().viewerRole)}>
          <span class="code-chip wide-only" title="Room code">Code: <code data-testid="room-code">{r().code}</code></span>
          <button type="button" class="btn small wide-only" onClick={() => void share()}>Copy invite link</button>
        </Show>
        <button type="button" class="btn small members-toggle" aria-controls="room-side" aria-expanded={props.panelOpen} onClick={() => props.onTogglePanel()}>
          {r().kind === 'DIRECT' ? 'Details' : r().viewerIsMember ? `Members & timer (${props.memberCount})` : `Members (${props.memberCount})`}
        </button>
        <RoomMenu room={r()} actions={props.actions} onSettings={props.onSettings} other={props.other} onShare={() => void share()} />
      </div>
    </header>
  )
}
