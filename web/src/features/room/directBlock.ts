// A block between the two people of a direct room, as the viewer can know it: that they blocked the
// other (their own relation says BLOCKED, live on every device through friendshipChanged), or that
// the other refuses their messages (the server answers a send FORBIDDEN: a blocked user sees
// nothing else of the block). Either way the room says so and the composer is disabled.
import { createEffect, createSignal, on, onCleanup } from 'solid-js'
import { graphql } from '../../gql'
import { connEpoch, live, mutate, query } from '../../lib/client'

const PeerRelation = graphql(`
  query DirectPeerRelation($id: ID!) { user(id: $id) { id friendship } }
`)

const PeerRelationLive = graphql(`
  subscription DirectPeerRelationLive { friendshipChanged { friendship user { id } } }
`)

const UnblockPeer = graphql(`
  mutation UnblockDirectPeer($userId: ID!) { unblockUser(userId: $userId) }
`)

export type DirectBlock = 'blocked-by-me' | 'refused' | null

/** peerId: the other person of a direct room the viewer belongs to (null otherwise) */
/** refused: how many of the viewer's sends here the server refused (FORBIDDEN) */
export function createDirectBlock(peerId: () => string | null, refused: () => number) {
  const [iBlocked, setIBlocked] = createSignal(false)
  const [theyRefuse, setTheyRefuse] = createSignal(false)
  const check = async (id: string) => {
    try {
      const d = await query(PeerRelation, { id })
      if (peerId() === id) setIBlocked(d.user?.friendship === 'BLOCKED')
    } catch { /* asked again after a reconnect */ }
  }
  createEffect(on(peerId, (id) => { if (id) void check(id) }))
  createEffect(on(connEpoch, () => { const id = peerId(); if (id) void check(id) }, { defer: true }))
  createEffect(on(peerId, (id) => {
    if (!id) return
    onCleanup(live(PeerRelationLive, () => ({}), {
      next: (d) => {
        const e = d.friendshipChanged
        if (e.user.id !== id) return
        setIBlocked(e.friendship === 'BLOCKED')
        // the relation moved (an unblock among others): sending may work again
        setTheyRefuse(false)
      },
    }))
  }))
  createEffect(on(refused, (n, before) => { if (n > (before ?? 0)) setTheyRefuse(true) }))
  const state = (): DirectBlock => (iBlocked() ? 'blocked-by-me' : theyRefuse() ? 'refused' : null)
  async function unblock() {
    const id = peerId()
    if (!id) return
    await mutate(UnblockPeer, { userId: id })
    setIBlocked(false)
  }
  return { state, unblock }
}
