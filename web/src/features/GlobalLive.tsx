// Subscriptions that live as long as the signed-in session: my own profile (edited in another
// window), people's names and presence, and notifications.
import { createEffect, createMemo, on, onCleanup } from 'solid-js'
import { graphql } from '../gql'
import { live } from '../lib/client'
import { me, updateMe } from '../lib/session'
import { applyUser } from '../lib/users'
import { startNotifications } from './notifications/store'
import { startConversations } from './shell/conversations'

const MyProfileUpdated = graphql(`
  subscription MyProfileUpdated($userId: ID) {
    userUpdated(userId: $userId) { ...MeFields }
  }
`)

const PeopleUpdated = graphql(`
  subscription PeopleUpdated {
    userUpdated { id username displayName status focusUntil avatarUrl }
  }
`)

const FriendsPresence = graphql(`
  subscription FriendsPresence {
    presenceChanged { status focusUntil user { id } }
  }
`)

export function GlobalLive() {
  const myId = createMemo(() => me()?.id)
  createEffect(on(myId, (id) => {
    if (!id) return
    const quiet = { error: (e: unknown) => console.warn('subscription refused', e) }
    const stops = [
      live(MyProfileUpdated, () => ({ userId: id }), { ...quiet, next: (d) => updateMe(d.userUpdated) }),
      live(PeopleUpdated, () => ({}), { ...quiet, next: (d) => applyUser(d.userUpdated) }),
      live(FriendsPresence, () => ({}), { ...quiet, next: (d) => applyUser({ id: d.presenceChanged.user.id, status: d.presenceChanged.status, focusUntil: d.presenceChanged.focusUntil }) }),
      startNotifications(),
      startConversations(),
    ]
    onCleanup(() => stops.forEach((s) => s()))
  }))
  return null
}
