// The room's header: its title and kind, the code and invite link, the phone's members toggle,
// and Leave / Delete, each confirmed once inline.
import { createSignal, type JSX, Show } from 'solid-js'
import type { RoomViewFieldsFragment } from '../../gql/graphql'
import { toast } from '../../components/ui'
import type { RoomActions } from './roomActions'

export function RoomHeader(props: { room: RoomViewFieldsFragment; title: string; memberCount: number; actions: RoomActions; panelOpen: boolean; onTogglePanel: () => void; tools?: JSX.Element; handle?: string }) {
  const r = () => props.room
  const { leave, del } = props.actions
  const [confirmDelete, setConfirmDelete] = createSignal(false)
  const [confirmLeave, setConfirmLeave] = createSignal(false)

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
        <Show when={r().kind !== 'DIRECT' && r().viewerIsMember}>
          <span class="code-chip" title="Room code">Code: <code data-testid="room-code">{r().code}</code></span>
          <button type="button" class="btn small" onClick={() => void share()}>Copy invite link</button>
        </Show>
        <button type="button" class="btn small members-toggle" aria-controls="room-side" aria-expanded={props.panelOpen} onClick={() => props.onTogglePanel()}>
          {r().kind === 'DIRECT' ? 'Details' : r().viewerIsMember ? `Members & timer (${props.memberCount})` : `Members (${props.memberCount})`}
        </button>
        <Show when={r().viewerIsMember && r().kind !== 'DIRECT'}>
          {/* a PRIVATE room cannot be found again without its code: ask once */}
          <Show when={confirmLeave()} fallback={<button type="button" class="btn small" onClick={() => setConfirmLeave(true)}>Leave room</button>}>
            <button type="button" class="btn small danger" disabled={leave.busy()} onClick={() => void leave.run()}>Confirm leave</button>
            <button type="button" class="btn small" onClick={() => setConfirmLeave(false)}>Stay</button>
          </Show>
        </Show>
        <Show when={r().viewerRole === 'OWNER'}>
          <Show when={confirmDelete()} fallback={<button type="button" class="btn small danger" onClick={() => setConfirmDelete(true)}>Delete room</button>}>
            <button type="button" class="btn small danger" disabled={del.busy()} onClick={() => void del.run()}>Confirm delete</button>
            <button type="button" class="btn small" onClick={() => setConfirmDelete(false)}>Cancel</button>
          </Show>
        </Show>
      </div>
    </header>
  )
}
