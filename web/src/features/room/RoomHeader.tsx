// The room's header: its title and kind, the code and invite link, the phone's members toggle,
// and the room menu (settings; leave, delete, block behind a confirm: RoomMenu.tsx).
import { type JSX, Show } from 'solid-js'
import type { RoomViewFieldsFragment } from '../../gql/graphql'
import { toast } from '../../components/ui'
import type { RoomActions } from './roomActions'
import { RoomMenu } from './RoomMenu'
import { isModerator } from '../../lib/roles'

export function RoomHeader(props: { room: RoomViewFieldsFragment; title: string; memberCount: number; actions: RoomActions; panelOpen: boolean; onTogglePanel: () => void; onSettings: () => void; other: { id: string; displayName: string } | null; tools?: JSX.Element; handle?: string }) {
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
      <div class="grow">
        <h1 id="room-title">{props.title}</h1>
        <p class="muted small">
          {r().kind === 'PUBLIC' ? 'Public room' : r().kind === 'PRIVATE' ? 'Private room' : props.handle ? `Direct messages with @${props.handle}` : 'Direct messages'}
          <Show when={r().description}> · {r().description}</Show>
        </p>
      </div>
      <div class="row wrap room-actions">
        {props.tools}
        {/* the code for those told when it changes (roomChanged CODE_CHANGED reaches owner and moderators) */}
        <Show when={r().kind !== 'DIRECT' && isModerator(r().viewerRole)}>
          <span class="code-chip" title="Room code">Code: <code data-testid="room-code">{r().code}</code></span>
          <button type="button" class="btn small" onClick={() => void share()}>Copy invite link</button>
        </Show>
        <button type="button" class="btn small members-toggle" aria-controls="room-side" aria-expanded={props.panelOpen} onClick={() => props.onTogglePanel()}>
          {r().kind === 'DIRECT' ? 'Details' : r().viewerIsMember ? `Members & timer (${props.memberCount})` : `Members (${props.memberCount})`}
        </button>
        <RoomMenu room={r()} actions={props.actions} onSettings={props.onSettings} other={props.other} />
      </div>
    </header>
  )
}
