// Who is signed in. The page holds no session token anywhere a script could read it: HTTP
// requests carry the httpOnly session cookie, `me` over that cookie tells whether this browser is
// signed in, and the socket signs in with a single-use ticket fetched with the cookie (client.ts).
// signUp / logIn do not even select the token: the cookie their answer sets is the session.
import { createSignal } from 'solid-js'
import { graphql } from '../gql'
import type { MeFieldsFragment } from '../gql/graphql'
import { mutate, onConnected, query, setAuthLostHandler, setUnauthenticatedHandler, startSocket, stopSocket } from './client'
import { AppError, toAppError } from './errors'
import { navigate, pathname } from './router'

// tabs of this browser share the cookie; they tell each other when they sign in or out
const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel('hearth.session') : null
type SessionNote = { signedIn: string | null }

// earlier versions kept the token in localStorage: never leave it there
try {
  localStorage.removeItem('hearth.token')
} catch {
  /* storage unavailable */
}

graphql(`
  fragment MeFields on User {
    id
    username
    displayName
    firstName
    lastName
    status
    createdAt
    updatedAt
    avatarUrl
  }
`)

const MeQuery = graphql(`
  query Me {
    me { ...MeFields }
  }
`)

const SignUpMutation = graphql(`
  mutation SignUp($input: SignUpInput!) {
    signUp(input: $input) { user { ...MeFields } }
  }
`)

const LogInMutation = graphql(`
  mutation LogIn($input: LogInInput!) {
    logIn(input: $input) { user { ...MeFields } }
  }
`)

const LogOutMutation = graphql(`
  mutation LogOut { logOut }
`)

type Me = MeFieldsFragment

/** undefined while the first `me` is loading */
const [me, setMe] = createSignal<Me | null | undefined>(undefined)
const [bootError, setBootError] = createSignal<AppError | null>(null)
const [signedOutReason, setSignedOutReason] = createSignal<string | null>(null)
export { me, bootError, signedOutReason }

export function updateMe(patch: Partial<Me>) {
  const m = me()
  if (m) setMe({ ...m, ...patch })
}

function tellTabs(note: SessionNote) {
  try {
    channel?.postMessage(note)
  } catch {
    /* closed */
  }
}

function signedIn(user: Me) {
  setSignedOutReason(null)
  // the socket first: setting `me` starts the views' subscriptions at once
  startSocket()
  setMe(user)
}

function signedOutLocally(reason: string | null) {
  stopSocket()
  setSignedOutReason(reason)
  setMe(null)
}

export async function bootstrap(): Promise<void> {
  setBootError(null)
  try {
    // the httpOnly cookie says who this browser is: null when it names no session
    const d = await query(MeQuery, {})
    if (d.me) {
      if (me()?.id !== d.me.id || !me()) signedIn(d.me)
      else setMe(d.me)
    } else signedOutLocally(null)
  } catch (e) {
    const err = toAppError(e)
    if (err.code === 'UNAUTHENTICATED') signedOutLocally('Your session has ended. Please sign in again.')
    else setBootError(err)
  }
}

export async function signUp(input: { username: string; password: string; displayName?: string }) {
  const d = await mutate(SignUpMutation, { input })
  signedIn(d.signUp.user)
  tellTabs({ signedIn: d.signUp.user.id })
}

export async function logIn(input: { username: string; password: string }) {
  const d = await mutate(LogInMutation, { input })
  signedIn(d.logIn.user)
  tellTabs({ signedIn: d.logIn.user.id })
}

export async function logOut() {
  try {
    await mutate(LogOutMutation, {})
  } catch {
    /* the session may already be gone; signing out locally is what matters */
  }
  signedOutLocally(null)
  tellTabs({ signedIn: null })
  navigate('/signin', { force: true })
}

/** after deleteAccount: every session is gone, this one included */
export function accountDeleted() {
  signedOutLocally('Your account has been deleted.')
  tellTabs({ signedIn: null })
  navigate('/signin', { force: true })
}

function authLost() {
  if (!me()) return
  signedOutLocally('Your session has ended. Please sign in again.')
  if (!pathname().startsWith('/sign')) navigate(`/signin?next=${encodeURIComponent(pathname())}`, { force: true })
}

// The socket was refused (4403): the session ended, or only its ticket did not work. The cookie
// decides: `me` answers UNAUTHENTICATED (the handler above signs out) or null when the session
// is gone, and otherwise the socket starts again with a new ticket.
let socketRetries = 0
let socketRetryTimer: ReturnType<typeof setTimeout> | undefined
async function socketRefused() {
  if (!me()) return
  let d
  try {
    d = await query(MeQuery, {})
  } catch {
    return // UNAUTHENTICATED signed out already; anything else: the next boot decides
  }
  if (!d.me) return authLost()
  clearTimeout(socketRetryTimer)
  const ms = Math.min(1000 * 2 ** Math.min(socketRetries++, 4), 15_000)
  socketRetryTimer = setTimeout(() => {
    if (me()) startSocket()
  }, ms)
}

setAuthLostHandler(() => void socketRefused())
setUnauthenticatedHandler(authLost)
onConnected(() => {
  socketRetries = 0
})

// another tab signed out or in: follow it
if (channel) {
  channel.onmessage = (e: MessageEvent<SessionNote>) => {
    const note = e.data
    if (!note || typeof note !== 'object') return
    if (note.signedIn === null) {
      if (me()) signedOutLocally(null)
    } else if (note.signedIn !== me()?.id) {
      void bootstrap()
    }
  }
}
