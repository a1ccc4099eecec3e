// roomChanged, followed live: a rename, a new description or invite code, roles (badges change in
// place, and the viewer's own rights with them), a member removed (the viewer: told why, and out
// of the room view). A deletion is shown by RoomPage when the room's streams end.
import { createEffect, on, onCleanup, onMount } from 'solid-js'
import { graphql } from '../../gql'
import type { RoomViewFieldsFragment } from '../../gql/graphql'
import { connEpoch, live, query } from '../../lib/client'
import { navigate } from '../../lib/router'
import { toast } from '../../components/ui'
import type { RoomMembersState } from './MembersPanel'

const RoomResync = graphql(`
  query RoomResync($id: ID!) { room(id: $id) { ...RoomViewFields } }
`)

const RoomChangedLive = graphql(`
  subscription RoomChangedLive($roomId: ID!) {
    roomChanged(roomId: $roomId) {
      kind
      room { ...RoomViewFields }
      user { id displayName }
      by { id displayName }
      banned
    }
  }
`)

export function useRoomChanged(o: {
  room: () => RoomViewFieldsFragment
  self: { id: string }
  onRoom: (r: RoomViewFieldsFragment) => void
  members: RoomMembersState
  onBans: () => void
}) {
  onMount(() => {
    const stop = live(RoomChangedLive, () => ({ roomId: o.room().id }), {
      next: (d) => {
        const c = d.roomChanged
        const by = c.by && c.by.id !== o.self.id ? ` by ${c.by.displayName}` : ''
        switch (c.kind) {
          case 'UPDATED':
          case 'CODE_CHANGED':
            if (c.room) o.onRoom(c.room)
            break
          case 'ROLE_CHANGED':
            if (c.room) o.onRoom(c.room)
            o.members.reload()
            if (c.user?.id === o.self.id && c.room?.viewerRole) {
              toast(c.room.viewerRole === 'OWNER' ? `You now own ${c.room.name}` : c.room.viewerRole === 'MODERATOR' ? `You are now a moderator of ${c.room.name}` : `You are no longer a moderator of ${c.room.name}`)
            }
            break
          case 'MEMBER_REMOVED':
            if (c.user?.id === o.self.id) {
              toast(`You were ${c.banned ? 'banned' : 'removed'} from ${o.room().name}${by}.${c.banned ? ' You cannot join it again unless you are unbanned.' : ''}`, { kind: 'error', ms: 12_000 })
              navigate('/', { force: true })
            } else {
              o.members.reload()
              o.onBans()
            }
            break
          // DELETED: the room's message stream ends at the same moment, and RoomPage says so in place
          // ("Room not found"), as it does when the room goes while the socket was away
        }
      },
    })
    onCleanup(stop)
  })
  // changes made while the socket was away were never pushed: read the room (name, code, the
  // viewer's role) and the banned list again. A room gone meanwhile is RoomPage's to show.
  createEffect(on(connEpoch, () => {
    o.onBans()
    void query(RoomResync, { id: o.room().id }).then((d) => { if (d.room) o.onRoom(d.room) }, () => {})
  }, { defer: true }))
}
