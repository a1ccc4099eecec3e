// Who is signed in. HTTP requests carry the httpOnly session cookie; the socket needs the token in
// its connection_init payload and a page cannot read that cookie, so the token from signUp/logIn is
// kept in localStorage too (shared by the tabs of this browser, like the cookie).
import { createSignal } from 'solid-js'
import { graphql } from '../gql'
import type { MeFieldsFragment } from '../gql/graphql'
import { mutate, query, setAuthLostHandler, setUnauthenticatedHandler, startSocket, stopSocket } from './client'
import { AppError, toAppError } from './errors'
import { navigate, pathname } from './router'

const TOKEN_KEY = 'hearth.token'

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
  }
`)

const MeQuery = graphql(`
  query Me {
    me { ...MeFields }
  }
`)

const SignUpMutation = graphql(`
  mutation SignUp($input: SignUpInput!) {
    signUp(input: $input) { token user { ...MeFields } }
  }
`)

const LogInMutation = graphql(`
  mutation LogIn($input: LogInInput!) {
    logIn(input: $input) { token user { ...MeFields } }
  }
`)

const LogOutMutation = graphql(`
  mutation LogOut { logOut }
`)

export type Me = MeFieldsFragment

/** undefined while the first `me` is loading */
const [me, setMe] = createSignal<Me | null | undefined>(undefined)
const [bootError, setBootError] = createSignal<AppError | null>(null)
const [signedOutReason, setSignedOutReason] = createSignal<string | null>(null)
export { me, bootError, signedOutReason }

export function updateMe(patch: Partial<Me>) {
  const m = me()
  if (m) setMe({ ...m, ...patch })
}

function storedToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY)
  } catch {
    return null
  }
}

function storeToken(t: string | null) {
  try {
    if (t) localStorage.setItem(TOKEN_KEY, t)
    else localStorage.removeItem(TOKEN_KEY)
  } catch {
    /* private mode: the socket then lives for this page only */
  }
}

let memoryToken: string | null = null

function signedIn(token: string, user: Me) {
  memoryToken = token
  storeToken(token)
  setSignedOutReason(null)
  // the socket first: setting `me` starts the views' subscriptions at once
  startSocket(token)
  setMe(user)
}

function signedOutLocally(reason: string | null) {
  memoryToken = null
  storeToken(null)
  stopSocket()
  setSignedOutReason(reason)
  setMe(null)
}

export async function bootstrap(): Promise<void> {
  setBootError(null)
  const token = storedToken()
  if (!token) {
    // the cookie alone cannot open an authenticated socket; sign in again on this device
    setMe(null)
    return
  }
  try {
    const d = await query(MeQuery, {})
    if (d.me) signedIn(token, d.me)
    else signedOutLocally(null)
  } catch (e) {
    const err = toAppError(e)
    if (err.code === 'UNAUTHENTICATED') signedOutLocally('Your session has ended. Please sign in again.')
    else setBootError(err)
  }
}

export async function signUp(input: { username: string; password: string; displayName?: string }) {
  const d = await mutate(SignUpMutation, { input })
  signedIn(d.signUp.token, d.signUp.user)
}

export async function logIn(input: { username: string; password: string }) {
  const d = await mutate(LogInMutation, { input })
  signedIn(d.logIn.token, d.logIn.user)
}

export async function logOut() {
  try {
    await mutate(LogOutMutation, {})
  } catch {
    /* the session may already be gone; signing out locally is what matters */
  }
  signedOutLocally(null)
  navigate('/signin')
}

function authLost() {
  if (!me()) return
  signedOutLocally('Your session has ended. Please sign in again.')
  if (!pathname().startsWith('/sign')) navigate(`/signin?next=${encodeURIComponent(pathname())}`)
}

setAuthLostHandler(authLost)
setUnauthenticatedHandler(authLost)

// another tab signed out or in: follow it
window.addEventListener('storage', (e) => {
  if (e.key !== TOKEN_KEY) return
  if (!e.newValue) {
    if (me()) signedOutLocally(null)
  } else if (e.newValue !== memoryToken) {
    void bootstrap()
  }
})
