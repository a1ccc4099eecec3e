// The actions on one member of the room, for the owner and moderators: make or unmake moderator,
// hand the room over (owner), remove, ban. Each is confirmed in a dialog; what is offered follows
// the same rule as the server (lib/roles.ts), which still decides.
import { createSignal, Show } from 'solid-js'
import { graphql } from '../../gql'
import { mutate } from '../../lib/client'
import { type Role, mayRemove, maySetRole } from '../../lib/roles'
import { toast, useAction } from '../../components/ui'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { Menu } from './Menu'

const SetRole = graphql(`
  mutation SetMemberRole($roomId: ID!, $userId: ID!, $role: MemberRole!) { setMemberRole(roomId: $roomId, userId: $userId, role: $role) { role user { id } } }
`)
const Remove = graphql(`
  mutation RemoveMember($roomId: ID!, $userId: ID!, $ban: Boolean) { removeMember(roomId: $roomId, userId: $userId, ban: $ban) }
`)

type Act = { kind: 'role'; role: Role } | { kind: 'remove'; ban: boolean }

export function MemberMenu(props: { roomId: string; roomName: string; viewerRole: Role | null | undefined; member: { role: Role; user: { id: string; displayName: string } }; onDone: () => void }) {
  const m = () => props.member
  const name = () => m().user.displayName
  const [pending, setPending] = createSignal<Act | null>(null)
  const act = useAction(async () => {
    const p = pending()
    if (!p) return
    if (p.kind === 'role') {
      await mutate(SetRole, { roomId: props.roomId, userId: m().user.id, role: p.role })
      toast(p.role === 'OWNER' ? `${name()} now owns ${props.roomName}` : p.role === 'MODERATOR' ? `${name()} is now a moderator` : `${name()} is no longer a moderator`)
    } else {
      await mutate(Remove, { roomId: props.roomId, userId: m().user.id, ban: p.ban })
      toast(p.ban ? `${name()} was removed and banned` : `${name()} was removed`)
    }
    setPending(null)
    props.onDone()
  })
  const canRole = () => maySetRole(props.viewerRole, m().role)
  const canRemove = () => mayRemove(props.viewerRole, m().role)
  const text = () => {
    const p = pending()
    if (!p) return { title: '', body: '', label: '' }
    if (p.kind === 'role') {
      if (p.role === 'OWNER') return { title: `Hand ${props.roomName} over to ${name()}?`, body: `${name()} becomes the owner; you stay on as a moderator and can no longer change roles, rename or delete the room.`, label: 'Hand over' }
      if (p.role === 'MODERATOR') return { title: `Make ${name()} a moderator?`, body: 'Moderators can delete any message, remove and ban members, and make a new invite code.', label: 'Make moderator' }
      return { title: `Remove ${name()}'s moderator role?`, body: `${name()} stays in the room as a member.`, label: 'Make member' }
    }
    return p.ban
      ? { title: `Ban ${name()}?`, body: `${name()} is removed from the room and cannot join again, by link or code, until unbanned in Room settings.`, label: 'Ban' }
      : { title: `Remove ${name()}?`, body: `${name()} is removed from the room and can join again later.`, label: 'Remove' }
  }
  return (
    <Show when={canRole() || canRemove()}>
      <Menu label={`Actions for ${name()}`} buttonText={<span aria-hidden="true">⋯</span>} class="member-menu">
        {(close) => (
          <>
            <Show when={canRole() && m().role === 'MEMBER'}>
              <button type="button" class="btn small" onClick={() => { close(); setPending({ kind: 'role', role: 'MODERATOR' }) }}>Make moderator</button>
            </Show>
            <Show when={canRole() && m().role === 'MODERATOR'}>
              <button type="button" class="btn small" onClick={() => { close(); setPending({ kind: 'role', role: 'MEMBER' }) }}>Remove moderator role</button>
            </Show>
            <Show when={canRole()}>
              <button type="button" class="btn small" onClick={() => { close(); setPending({ kind: 'role', role: 'OWNER' }) }}>Hand over room</button>
            </Show>
            <Show when={canRemove()}>
              <button type="button" class="btn small danger" onClick={() => { close(); setPending({ kind: 'remove', ban: false }) }}>Remove from room</button>
              <button type="button" class="btn small danger" onClick={() => { close(); setPending({ kind: 'remove', ban: true }) }}>Ban from room</button>
            </Show>
          </>
        )}
      </Menu>
      <ConfirmDialog open={pending() !== null} title={text().title} confirmLabel={text().label} danger={pending()?.kind === 'remove' || (pending() as { role?: Role } | null)?.role === 'OWNER'}
        busy={act.busy()} error={act.error()} onConfirm={() => void act.run()} onCancel={() => { setPending(null); act.setError(null) }}>
        <p>{text().body}</p>
      </ConfirmDialog>
    </Show>
  )
}
