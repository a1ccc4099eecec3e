// Joining, leaving and deleting the room; their errors show in one place under the header.
import { graphql } from '../../gql'
import type { RoomViewFieldsFragment } from '../../gql/graphql'
import { mutate } from '../../lib/client'
import { navigate } from '../../lib/router'
import { toast, useAction } from '../../components/ui'
import { focusNext } from '../../lib/focusKeeper'
import { AppError, toAppError } from '../../lib/errors'
import { BANNED } from '../rooms/JoinPage'
import { leavingFromHere } from '../shell/conversations'

const JoinRoom = graphql(`
  mutation JoinRoom($roomId: ID!) { joinRoom(roomId: $roomId) { ...RoomViewFields } }
`)

const LeaveRoom = graphql(`
  mutation LeaveRoom($roomId: ID!) { leaveRoom(roomId: $roomId) }
`)

const DeleteRoom = graphql(`
  mutation DeleteRoom($id: ID!) { deleteRoom(id: $id) }
`)

export function createRoomActions(room: () => RoomViewFieldsFragment, onJoined: (r: RoomViewFieldsFragment) => void) {
  const join = useAction(async () => {
    const d = await mutate(JoinRoom, { roomId: room().id }).catch((e: unknown) => {
      throw toAppError(e).code === 'FORBIDDEN' ? new AppError(BANNED, 'FORBIDDEN') : e
    })
    // the preview gives way to the room: the focus goes to its composer, to write
    focusNext('#composer-input')
    onJoined(d.joinRoom)
  })
  const leave = useAction(async () => {
    leavingFromHere(room().id)
    await mutate(LeaveRoom, { roomId: room().id })
    toast(`You left ${room().name}`)
    navigate('/', { force: true })
  })
  const del = useAction(async () => {
    leavingFromHere(room().id)
    await mutate(DeleteRoom, { id: room().id })
    toast(`${room().name} was deleted`)
    navigate('/', { force: true })
  })
  return { join, leave, del, error: () => leave.error() || del.error() || join.error() }
}
export type RoomActions = ReturnType<typeof createRoomActions>
