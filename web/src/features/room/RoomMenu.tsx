// The room's menu: settings, and the destructive actions (leave, delete the room, block the
// other person of a direct room), each behind a confirm dialog.
import { createSignal, Show } from 'solid-js'
import { graphql } from '../../gql'
import type { RoomViewFieldsFragment } from '../../gql/graphql'
import { mutate } from '../../lib/client'
import { isModerator } from '../../lib/roles'
import { toast, useAction } from '../../components/ui'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import type { RoomActions } from './roomActions'
import { Menu } from './Menu'

const BlockFromRoom = graphql(`
  mutation BlockFromRoom($userId: ID!) { blockUser(userId: $userId) }
`)

type Confirm = 'leave' | 'delete' | 'block' | null

export function RoomMenu(props: { room: RoomViewFieldsFragment; actions: RoomActions; onSettings: () => void; other: { id: string; displayName: string } | null; onShare: () => void }) {
  const r = () => props.room
  const [confirm, setConfirm] = createSignal<Confirm>(null)
  const block = useAction(async () => {
    const o = props.other
    if (!o) return
    await mutate(BlockFromRoom, { userId: o.id })
    setConfirm(null)
    toast(`You blocked ${o.displayName}`)
  })
  const { leave, del } = props.actions
  const direct = () => r().kind === 'DIRECT'
  const has = () => r().viewerIsMember && (isModerator(r().viewerRole) || !direct() || props.other)
  return (
    <Show when={has()}>
      <Menu label="Room menu" buttonText={<>Room menu <span aria-hidden="true">▾</span></>} class="room-menu">
        {(close) => (
          <>
            {/* phones: the header has no room for the code and the invite link */}
            <Show when={!direct() && isModerator(r().viewerRole)}>
              <button type="button" class="btn small phone-only-block" onClick={() => { close(); props.onShare() }}>Copy invite link (code {r().code})</button>
            </Show>
            <Show when={!direct() && r().viewerIsMember}>
              <button type="button" class="btn small" onClick={() => { close(); props.onSettings() }}>Room settings</button>
              <button type="button" class="btn small danger" onClick={() => { close(); setConfirm('leave') }}>Leave room</button>
            </Show>
            <Show when={r().viewerRole === 'OWNER' && !direct()}>
              <button type="button" class="btn small danger" onClick={() => { close(); setConfirm('delete') }}>Delete room</button>
            </Show>
            <Show when={direct() && props.other}>
              {(o) => <button type="button" class="btn small danger" onClick={() => { close(); setConfirm('block') }}>Block {o().displayName}</button>}
            </Show>
          </>
        )}
      </Menu>
      <ConfirmDialog open={confirm() === 'leave'} title={`Leave ${r().name}?`} confirmLabel="Leave room" danger busy={leave.busy()} error={leave.error()}
        onConfirm={() => void leave.run()} onCancel={() => setConfirm(null)}>
        <p>{r().kind === 'PRIVATE' ? 'This room is private: you will need its invite code to come back.' : 'You can join it again from Browse rooms.'}</p>
      </ConfirmDialog>
      <ConfirmDialog open={confirm() === 'delete'} title={`Delete ${r().name}?`} confirmLabel="Delete room" danger busy={del.busy()} error={del.error()}
        onConfirm={() => void del.run()} onCancel={() => setConfirm(null)}>
        <p>The room and all its messages disappear for everyone. This cannot be undone.</p>
      </ConfirmDialog>
      <ConfirmDialog open={confirm() === 'block'} title={`Block ${props.other?.displayName ?? ''}?`} confirmLabel="Block" danger busy={block.busy()} error={block.error()}
        onConfirm={() => void block.run()} onCancel={() => setConfirm(null)}>
        <p>Neither of you can write in this conversation until you unblock them (Friends page).</p>
      </ConfirmDialog>
    </Show>
  )
}
