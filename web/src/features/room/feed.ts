// One room's message history as this page knows it: the loaded history, live additions resumed
// from the last seen seq after every reconnect, edits and deletes from the event log, and the
// user's own unsent messages (local echo) until the server's copy replaces them by clientId.
import { batch } from 'solid-js'
import { createStore, produce } from 'solid-js/store'
import { graphql } from '../../gql'
import type { MessageFieldsFragment } from '../../gql/graphql'
import { connState, live, mutate, query } from '../../lib/client'
import { AppError, toAppError } from '../../lib/errors'

graphql(`
  fragment MessageFields on Message {
    id
    roomId
    seq
    body
    createdAt
    editedAt
    deletedAt
    clientId
    sender { id username displayName avatarUrl }
    attachments { id name contentType size width height url thumbnailUrl }
  }
`)

const RoomMessages = graphql(`
  query RoomMessages($roomId: ID!, $last: Int, $before: String, $aroundSeq: Int) {
    messages(roomId: $roomId, last: $last, before: $before, aroundSeq: $aroundSeq) {
      edges { cursor node { ...MessageFields } }
      pageInfo { hasPreviousPage startCursor }
    }
  }
`)

const MessageAddedLive = graphql(`
  subscription MessageAddedLive($roomId: ID!, $after: String) {
    messageAdded(roomId: $roomId, after: $after) { ...MessageFields }
  }
`)

const MessageEventsLive = graphql(`
  subscription MessageEventsLive($roomId: ID!, $after: Int) {
    messageEvents(roomId: $roomId, after: $after) { seq kind message { ...MessageFields } }
  }
`)

const SendMessage = graphql(`
  mutation SendMessage($roomId: ID!, $body: String!, $clientId: String, $attachmentIds: [ID!]) {
    sendMessage(roomId: $roomId, body: $body, clientId: $clientId, attachmentIds: $attachmentIds) { ...MessageFields }
  }
`)

const EditMessage = graphql(`
  mutation EditMessage($id: ID!, $body: String!) {
    editMessage(id: $id, body: $body) { ...MessageFields }
  }
`)

const DeleteMessage = graphql(`
  mutation DeleteMessage($id: ID!) {
    deleteMessage(id: $id) { ...MessageFields }
  }
`)

/**
 * local: the viewer's own message not stored yet: 'sending', 'waiting' (the server could not be
 * reached: sent again, with the same clientId, as soon as the connection is back) or 'failed'
 */
export type Msg = MessageFieldsFragment & { local?: 'sending' | 'waiting' | 'failed'; localError?: string }

const PAGE = 50

function newClientId(): string {
  // randomUUID needs a secure context; plain-http LAN deployments still get a random id
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('')
}

export function createFeed(roomId: string, me: { id: string; username: string; displayName: string; avatarUrl?: string | null }) {
  const [state, setState] = createStore({
    list: [] as Msg[],
    loading: true,
    error: null as AppError | null,
    liveError: null as AppError | null,
    hasOlder: false,
    olderCursor: null as string | null,
    loadingOlder: false,
    olderError: null as AppError | null,
    /** the server ended the live stream: the room is gone or no longer readable */
    ended: false,
  })
  let lastSeq = 0
  // bumped by every jump: a page of older history asked for before it is dropped
  let gen = 0
  let lastEventSeq: number | null = null
  const stops: (() => void)[] = []
  let onAdded: ((m: Msg, live: boolean) => void) | null = null

  function upsert(m: MessageFieldsFragment, mode: 'added' | 'changed') {
    let inserted = false
    setState(produce((s) => {
      if (m.clientId && m.sender.id === me.id) {
        const i = s.list.findIndex((x) => x.local && x.clientId === m.clientId)
        if (i >= 0) s.list.splice(i, 1)
      }
      const j = s.list.findIndex((x) => x.id === m.id)
      if (j >= 0) {
        // a replayed ADDED carries nothing newer than what is shown; EDITED / DELETED do
        if (mode === 'changed') Object.assign(s.list[j], m)
        return
      }
      let k = s.list.length
      while (k > 0 && (s.list[k - 1].local || s.list[k - 1].seq > m.seq)) k--
      s.list.splice(k, 0, { ...m })
      inserted = true
    }))
    if (m.seq > lastSeq) lastSeq = m.seq
    if (inserted) onAdded?.(m, true)
  }

  /** the newest page, or (aroundSeq) the page around one message: a search hit, the first unread */
  async function loadInitial(aroundSeq?: number) {
    setState({ loading: true, error: null })
    try {
      const d = await query(RoomMessages, aroundSeq ? { roomId, aroundSeq, last: PAGE } : { roomId, last: PAGE })
      const nodes = d.messages.edges.map((e) => e.node)
      batch(() => {
        setState('list', (old) => {
          // keep whatever arrived live (or is still being sent) while the page was loading; a page
          // around an older message keeps only the unsent ones (the live replay brings the rest)
          const ids = new Set(nodes.map((n) => n.id))
          const kept = old.filter((x) => !ids.has(x.id) && (!aroundSeq || x.local))
          return [...(nodes as Msg[]), ...kept].sort((a, b) => (a.local ? 1 : 0) - (b.local ? 1 : 0) || a.seq - b.seq)
        })
        setState({ hasOlder: d.messages.pageInfo.hasPreviousPage, olderCursor: d.messages.pageInfo.startCursor ?? null, loading: false })
      })
      for (const n of nodes) if (n.seq > lastSeq) lastSeq = n.seq
      return true
    } catch (e) {
      setState({ loading: false, error: toAppError(e) })
      return false
    }
  }

  function startLive() {
    // `after` is read on every (re)subscribe: a reconnect replays exactly what this page has not seen
    stops.push(live(MessageAddedLive, () => ({ roomId, after: String(lastSeq) }), {
      next: (d) => upsert(d.messageAdded, 'added'),
      error: (e) => setState('liveError', e),
      complete: () => setState('ended', true),
    }))
    stops.push(live(MessageEventsLive, () => (lastEventSeq === null ? { roomId } : { roomId, after: lastEventSeq }), {
      next: (d) => {
        const ev = d.messageEvents
        if (lastEventSeq !== null && ev.seq <= lastEventSeq) return
        lastEventSeq = ev.seq
        upsert(ev.message, ev.kind === 'ADDED' ? 'added' : 'changed')
      },
      error: (e) => setState('liveError', e),
    }))
  }

  async function start(aroundSeq?: number) {
    if (await loadInitial(aroundSeq)) startLive()
  }

  /**
   * Opens the history at one message not loaded yet: the page around it, then the live stream
   * resumes after that page, replaying everything newer (so nothing is left out in between).
   */
  async function jump(seq: number) {
    stop()
    lastSeq = 0
    gen++
    setState({ hasOlder: false, olderCursor: null, loadingOlder: false, olderError: null })
    await start(seq)
  }

  /** resolves true when a page was added before the loaded history */
  async function loadOlder(): Promise<boolean> {
    if (state.loadingOlder || !state.hasOlder || state.loading) return false
    const mine = gen
    setState({ loadingOlder: true, olderError: null })
    try {
      const d = await query(RoomMessages, { roomId, last: PAGE, before: state.olderCursor })
      // the history was opened elsewhere meanwhile (a jump): this page belongs to the old view
      if (mine !== gen) return false
      const nodes = d.messages.edges.map((e) => e.node)
      batch(() => {
        setState('list', (old) => {
          const ids = new Set(old.map((x) => x.id))
          return [...nodes.filter((n) => !ids.has(n.id)), ...old]
        })
        setState({ hasOlder: d.messages.pageInfo.hasPreviousPage, olderCursor: d.messages.pageInfo.startCursor ?? null })
      })
      return true
    } catch (e) {
      if (mine === gen) setState('olderError', toAppError(e))
      return false
    } finally {
      if (mine === gen) setState('loadingOlder', false)
    }
  }

  const inFlight = new Set<string>()
  async function attempt(clientId: string, body: string, attachmentIds: string[], tries: number) {
    if (inFlight.has(clientId)) return
    inFlight.add(clientId)
    setState('list', (m) => m.clientId === clientId && !!m.local, produce((m: Msg) => { m.local = 'sending'; m.localError = undefined }))
    try {
      const d = await mutate(SendMessage, { roomId, body, clientId, attachmentIds: attachmentIds.length ? attachmentIds : null })
      inFlight.delete(clientId)
      upsert(d.sendMessage, 'added')
    } catch (e) {
      inFlight.delete(clientId)
      const err = toAppError(e)
      // the same clientId makes a retry safe: the server stores the message once
      if (err.code === 'NETWORK' || err.code === 'INTERNAL') {
        if (connState() !== 'connected') {
          // the server is away: wait for the connection to come back (resendWaiting), however long
          setState('list', (m) => m.clientId === clientId && !!m.local, produce((m: Msg) => { m.local = 'waiting'; m.localError = undefined }))
          return
        }
        if (tries < 3) {
          setTimeout(() => {
            if (!state.list.some((m) => m.clientId === clientId && m.local === 'sending')) return
            void attempt(clientId, body, attachmentIds, tries + 1)
          }, 800 * 2 ** tries)
          return
        }
      }
      setState('list', (m) => m.clientId === clientId && !!m.local, produce((m: Msg) => { m.local = 'failed'; m.localError = err.message }))
    }
  }

  function send(body: string, attachments: Msg['attachments'] = []) {
    const clientId = newClientId()
    const echo: Msg = {
      id: `local-${clientId}`, roomId, seq: Number.MAX_SAFE_INTEGER, body, clientId,
      createdAt: new Date().toISOString(), editedAt: null, deletedAt: null,
      sender: { id: me.id, username: me.username, displayName: me.displayName, avatarUrl: me.avatarUrl ?? null }, local: 'sending',
      attachments,
    }
    setState('list', (l) => [...l, echo])
    void attempt(clientId, body, attachments.map((a) => a.id), 0)
  }

  /** the connection is back: what waited goes out, in the order it was written */
  async function resendWaiting() {
    for (const m of state.list.filter((x) => x.local === 'waiting' && x.clientId)) await attempt(m.clientId!, m.body, m.attachments.map((a) => a.id), 0)
  }

  function retry(m: Msg) {
    if (m.clientId) void attempt(m.clientId, m.body, m.attachments.map((a) => a.id), 0)
  }

  function discard(m: Msg) {
    setState('list', (l) => l.filter((x) => x !== m && x.id !== m.id))
  }

  async function edit(id: string, body: string) {
    const d = await mutate(EditMessage, { id, body })
    upsert(d.editMessage, 'changed')
  }

  async function remove(id: string) {
    const d = await mutate(DeleteMessage, { id })
    upsert(d.deleteMessage, 'changed')
  }

  /**
   * After a reconnect: messageAdded resumes by itself, and messageEvents does once it has seen an
   * event. Until then an edit or delete made while away would be missed, so re-read the newest page.
   */
  async function resync() {
    void resendWaiting()
    if (lastEventSeq !== null || state.loading || state.error) return
    try {
      const d = await query(RoomMessages, { roomId, last: PAGE })
      for (const e of d.messages.edges) upsert(e.node, 'changed')
    } catch {
      /* the next reconnect tries again */
    }
  }

  function stop() {
    for (const s of stops.splice(0)) s()
  }

  return {
    state, start, stop, resync, jump, resendWaiting, loadOlder, send, retry, discard, edit, remove, reload: start,
    onAdded(fn: (m: Msg, live: boolean) => void) { onAdded = fn },
  }
}

export type Feed = ReturnType<typeof createFeed>
