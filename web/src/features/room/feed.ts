// One room's message history as this page knows it: the loaded history, live additions resumed
// from the last seen seq after every reconnect, edits and deletes from the event log, and the
// user's own unsent messages (local echo) until the server's copy replaces them by clientId.
import { batch, createSignal } from 'solid-js'
import { createStore, produce } from 'solid-js/store'
import { graphql } from '../../gql'
import type { MessageFieldsFragment } from '../../gql/graphql'
import { connState, live, mutate, query } from '../../lib/client'
import { AppError, toAppError } from '../../lib/errors'
import { messageChanged } from '../shell/conversations'
import { dropUnsent, keepUnsent, unsentOf } from './unsent'

graphql(`
  fragment MessageFields on Message {
    id
    roomId
    seq
    cursor
    body
    createdAt
    editedAt
    deletedAt
    clientId
    sender { id username displayName avatarUrl }
    attachments { id name size url thumbnailUrl }
    replyTo { id seq body deletedAt sender { id username displayName } }
    reactions { emoji count users(first: 5) { id displayName } }
    pinnedAt
    pinnedBy { id username displayName }
  }
`)

// viewerReacted is asked for only outside the live feeds: selecting it would make every event
// render once per subscriber instead of once for all (the server shares a render only between
// documents that do not depend on the viewer). Live events carry the first 5 users of each
// emoji; the viewer's own flag is kept from what this page knew (see mergeReactions).
// The page size is written in the document, not a variable: the server's cost estimate takes a
// variable page at its largest (100), and a page of messages with their reactions and who made
// them would then be refused.
graphql(`
  fragment ViewerReactions on Message {
    reactions { emoji viewerReacted }
  }
`)

/** the loaded history is cut back to TRIM_TO messages once it passes TRIM_AT (feed.trim) */
export const TRIM_AT = 600
export const TRIM_TO = 400

const RoomMessages = graphql(`
  query RoomMessages($roomId: ID!, $before: String, $aroundSeq: Int) {
    messages(roomId: $roomId, last: 50, before: $before, aroundSeq: $aroundSeq) {
      edges { cursor node { ...MessageFields ...ViewerReactions } }
      pageInfo { hasPreviousPage startCursor hasNextPage endCursor }
    }
  }
`)

const RoomMessagesNewer = graphql(`
  query RoomMessagesNewer($roomId: ID!, $after: String!) {
    messages(roomId: $roomId, first: 50, after: $after) {
      edges { cursor node { ...MessageFields ...ViewerReactions } }
      pageInfo { hasNextPage endCursor }
    }
  }
`)

const MessageAddedLive = graphql(`
  subscription MessageAddedLive($roomId: ID!, $after: String) {
    messageAdded(roomId: $roomId, after: $after) { ...MessageFields }
  }
`)

// New messages come through MessageAddedLive; this stream carries what happens to them after.
// Without `kinds` every new message reached the page twice, each a full payload the server
// wrote to every open page of the room.
const MessageEventsLive = graphql(`
  subscription MessageEventsLive($roomId: ID!, $after: Int) {
    messageEvents(roomId: $roomId, after: $after, kinds: [EDITED, DELETED, REACTIONS_CHANGED, PINNED, UNPINNED]) { seq kind message { ...MessageFields } }
  }
`)

const SendMessage = graphql(`
  mutation SendMessage($roomId: ID!, $body: String!, $clientId: String, $replyToId: ID, $attachmentIds: [ID!]) {
    sendMessage(roomId: $roomId, body: $body, clientId: $clientId, replyToId: $replyToId, attachmentIds: $attachmentIds) { ...MessageFields }
  }
`)

const AddReaction = graphql(`
  mutation AddReaction($messageId: ID!, $emoji: String!) {
    addReaction(messageId: $messageId, emoji: $emoji) { ...MessageFields ...ViewerReactions }
  }
`)

const RemoveReaction = graphql(`
  mutation RemoveReaction($messageId: ID!, $emoji: String!) {
    removeReaction(messageId: $messageId, emoji: $emoji) { ...MessageFields ...ViewerReactions }
  }
`)

const PinMessage = graphql(`
  mutation PinMessage($messageId: ID!) {
    pinMessage(messageId: $messageId) { ...MessageFields }
  }
`)

const UnpinMessage = graphql(`
  mutation UnpinMessage($messageId: ID!) {
    unpinMessage(messageId: $messageId) { ...MessageFields }
  }
`)

const PinnedMessages = graphql(`
  query PinnedMessages($roomId: ID!) {
    room(id: $roomId) { id pinnedMessages { ...MessageFields } }
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
export type Reaction = MessageFieldsFragment['reactions'][number] & { viewerReacted?: boolean }
/** localRestored: a refused message of an earlier visit (unsent.ts), shown again so its text is not lost */
export type Msg = Omit<MessageFieldsFragment, 'reactions'> & { reactions: Reaction[]; local?: 'sending' | 'waiting' | 'failed'; localError?: string; localCode?: string; localRestored?: boolean }
type Incoming = Omit<MessageFieldsFragment, 'reactions'> & { reactions: Reaction[] }

/**
 * The viewer's own flag on each emoji: as the server said when it said (queries, the viewer's
 * own mutations), else seen among the first users, else kept from before while the group is
 * larger than the users it lists.
 */
function mergeReactions(next: Reaction[], before: Reaction[] | undefined, meId: string): Reaction[] {
  return next.map((g) => {
    if (typeof g.viewerReacted === 'boolean') return g
    const listed = g.users.some((u) => u.id === meId)
    const prev = before?.find((b) => b.emoji === g.emoji)?.viewerReacted ?? false
    return { ...g, viewerReacted: listed || (g.count > g.users.length && prev) }
  })
}


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
    /** opened at an older message (a search hit, a quote): newer history is paged in, not replayed */
    hasNewer: false,
    newerCursor: null as string | null,
    loadingNewer: false,
    newerError: null as AppError | null,
    loadingOlder: false,
    olderError: null as AppError | null,
    /** the server ended the live stream: the room is gone or no longer readable */
    ended: false,
  })
  /**
   * where messageAdded resumes after a reconnect: the newest seq up to which this page has every
   * message. Only the stream itself and pages that join up with it move it: a message known some
   * other way (the answer to one's own send, an edit or reaction of a newer message) can be ahead
   * of what the stream delivered, and resuming after it lost everything in between (seen under
   * load: a hole of 1,578 messages after a reconnect).
   */
  let lastSeq = 0
  // bumped by every jump: a page of older history asked for before it is dropped
  let gen = 0
  let lastEventSeq: number | null = null
  const stops: (() => void)[] = []
  let onAdded: ((m: Msg, live: boolean) => void) | null = null

  function upsert(m0: Incoming, mode: 'added' | 'changed') {
    let inserted = false
    let m = m0
    setState(produce((s) => {
      if (m.clientId && m.sender.id === me.id) {
        const i = s.list.findIndex((x) => x.local && x.clientId === m.clientId)
        if (i >= 0) s.list.splice(i, 1)
      }
      const j = s.list.findIndex((x) => x.id === m.id)
      m = { ...m, reactions: mergeReactions(m.reactions, j >= 0 ? s.list[j].reactions : undefined, me.id) }
      if (mode === 'changed') {
        // replies quoting this message show its edit or its tombstone
        for (const x of s.list) if (x.replyTo?.id === m.id) x.replyTo = { ...x.replyTo, body: m.body, deletedAt: m.deletedAt }
      }
      if (j >= 0) {
        // a replayed ADDED carries nothing newer than what is shown; the other kinds do
        if (mode === 'changed') Object.assign(s.list[j], m)
        return
      }
      // a change to a message older than the loaded history: loading older pages brings it as
      // it is now (put at the top, it stood alone above a gap); and one newer than a history
      // opened further back, which its later pages bring
      if (mode === 'changed' && s.hasOlder) {
        const oldest = s.list.find((x) => !x.local)
        if (oldest && m.seq < oldest.seq) return
      }
      if (mode === 'changed' && s.hasNewer) {
        let i = s.list.length - 1
        while (i >= 0 && s.list[i].local) i--
        if (i >= 0 && m.seq > s.list[i].seq) return
      }
      let k = s.list.length
      while (k > 0 && (s.list[k - 1].local || s.list[k - 1].seq > m.seq)) k--
      s.list.splice(k, 0, { ...m })
      inserted = true
    }))
    if (inserted) onAdded?.(m, true)
    if (mode === 'changed') messageChanged(roomId, m)
  }

  // the room's pinned messages, newest pin first: read again whenever a pin may have changed
  const [pinned, setPinned] = createSignal<Msg[]>([])
  let pinnedAsked = 0
  async function loadPinned() {
    const ask = ++pinnedAsked
    try {
      const d = await query(PinnedMessages, { roomId })
      if (ask === pinnedAsked && d.room) setPinned(d.room.pinnedMessages.map((m) => ({ ...m, reactions: mergeReactions(m.reactions, undefined, me.id) })))
    } catch {
      /* shown again on the next change */
    }
  }

  /** the newest page, or (aroundSeq) the page around one message: a search hit, the first unread */
  async function loadInitial(aroundSeq?: number) {
    setState({ loading: true, error: null })
    try {
      const d = await query(RoomMessages, aroundSeq ? { roomId, aroundSeq } : { roomId })
      const nodes = d.messages.edges.map((e) => e.node)
      batch(() => {
        setState('list', (old) => {
          // keep whatever arrived live (or is still being sent) while the page was loading; a page
          // around an older message keeps only the unsent ones (the live replay brings the rest)
          const ids = new Set(nodes.map((n) => n.id))
          // what was shown stays only if the page joins up with it (nothing missing in between);
          // else older pages bring it back
          const joins = !aroundSeq && (!nodes.length || lastSeq === 0 || nodes[0].seq <= lastSeq + 1)
          const kept = old.filter((x) => !ids.has(x.id) && (joins || x.local))
          return [...(nodes as Msg[]), ...kept].sort((a, b) => (a.local ? 1 : 0) - (b.local ? 1 : 0) || a.seq - b.seq)
        })
        setState({
          hasOlder: d.messages.pageInfo.hasPreviousPage, olderCursor: d.messages.pageInfo.startCursor ?? null, loading: false,
          hasNewer: !!aroundSeq && d.messages.pageInfo.hasNextPage, newerCursor: d.messages.pageInfo.endCursor ?? null, newerError: null,
        })
      })
      for (const n of nodes) if (n.seq > lastSeq) lastSeq = n.seq
      return true
    } catch (e) {
      setState({ loading: false, error: toAppError(e) })
      return false
    }
  }

  function startLive() {
    // opened at an older message: the newer history comes page by page (loadNewer), and the
    // stream starts once the pages reach the newest (it replayed everything newer at once: 7,600
    // messages, minutes of a busy page, for one search hit)
    if (!state.hasNewer) startAdded()
    startEvents()
  }

  function startAdded() {
    // `after` is read on every (re)subscribe: a reconnect replays exactly what this page has not seen
    stops.push(live(MessageAddedLive, () => ({ roomId, after: String(lastSeq) }), {
      next: (d) => {
        upsert(d.messageAdded, 'added')
        // the stream is gapless and in order: what it delivered, the page has up to there
        if (d.messageAdded.seq > lastSeq) lastSeq = d.messageAdded.seq
      },
      error: (e) => setState('liveError', e),
      complete: () => setState('ended', true),
    }))
  }

  function startEvents() {
    stops.push(live(MessageEventsLive, () => (lastEventSeq === null ? { roomId } : { roomId, after: lastEventSeq }), {
      next: (d) => {
        const ev = d.messageEvents
        if (lastEventSeq !== null && ev.seq <= lastEventSeq) return
        lastEventSeq = ev.seq
        upsert(ev.message, ev.kind === 'ADDED' ? 'added' : 'changed')
        if (ev.kind === 'PINNED' || ev.kind === 'UNPINNED' || (ev.message.pinnedAt === null && pinned().some((p) => p.id === ev.message.id))) void loadPinned()
        else if (pinned().some((p) => p.id === ev.message.id)) setPinned((l) => l.map((p) => (p.id === ev.message.id ? { ...p, ...ev.message, reactions: p.reactions } : p)))
      },
      error: (e) => setState('liveError', e),
    }))
  }

  async function start(aroundSeq?: number) {
    void loadPinned()
    if (await loadInitial(aroundSeq)) startLive()
  }

  /**
   * Opens the history at one message not loaded yet: the page around it, then the live stream
   * resumes after that page, replaying everything newer (so nothing is left out in between).
   */
  async function jump(seq: number) {
    reopen()
    lastSeq = 0
    await start(seq)
  }

  /** back to the newest messages and the live stream, from a history opened further back */
  async function latest() {
    reopen()
    await start()
  }

  /** before the history is read again from elsewhere: streams stopped, pages in flight dropped */
  function reopen() {
    stop()
    gen++
    setState({ hasOlder: false, olderCursor: null, loadingOlder: false, olderError: null, hasNewer: false, newerCursor: null, loadingNewer: false, newerError: null })
  }

  /** the next page after the loaded history, when it was opened at an older message */
  async function loadNewer(): Promise<boolean> {
    if (state.loadingNewer || !state.hasNewer || state.loading || !state.newerCursor) return false
    const mine = gen
    setState({ loadingNewer: true, newerError: null })
    try {
      const d = await query(RoomMessagesNewer, { roomId, after: state.newerCursor })
      if (mine !== gen) return false
      const nodes = d.messages.edges.map((e) => e.node)
      batch(() => {
        setState('list', (old) => {
          const ids = new Set(old.map((x) => x.id))
          return [...old, ...(nodes as Msg[]).filter((n) => !ids.has(n.id))].sort((a, b) => (a.local ? 1 : 0) - (b.local ? 1 : 0) || a.seq - b.seq)
        })
        setState({ hasNewer: d.messages.pageInfo.hasNextPage, newerCursor: d.messages.pageInfo.endCursor ?? state.newerCursor })
      })
      // the pages join up with what was loaded: the stream may resume after them
      for (const n of nodes) if (n.seq > lastSeq) lastSeq = n.seq
      // reading forward: the oldest beyond the bound go, as at the bottom of a live room
      trim()
      // caught up with the newest: the live stream from here (it replays what came meanwhile)
      if (!state.hasNewer) startAdded()
      return true
    } catch (e) {
      if (mine === gen) setState('newerError', toAppError(e))
      return false
    } finally {
      if (mine === gen) setState('loadingNewer', false)
    }
  }

  /** resolves true when a page was added before the loaded history */
  async function loadOlder(): Promise<boolean> {
    if (state.loadingOlder || !state.hasOlder || state.loading) return false
    const mine = gen
    setState({ loadingOlder: true, olderError: null })
    try {
      const d = await query(RoomMessages, { roomId, before: state.olderCursor })
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
    // a reply names its original on every attempt (the local echo keeps it)
    const replyToId = state.list.find((m) => m.clientId === clientId && !!m.local)?.replyTo?.id ?? null
    try {
      const d = await mutate(SendMessage, { roomId, body, clientId, replyToId, attachmentIds: attachmentIds.length ? attachmentIds : null })
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
      setState('list', (m) => m.clientId === clientId && !!m.local, produce((m: Msg) => { m.local = 'failed'; m.localError = err.message; m.localCode = err.code }))
      // refused: sending again can only fail the same way, so it is not retried; its text is kept
      // for this tab (a reload or another room and back shows it again) until it is discarded
      if (err.code === 'FORBIDDEN') {
        const m = state.list.find((x) => x.clientId === clientId && x.local === 'failed')
        if (m) keepUnsent(me.id, roomId, { clientId, body: m.body, createdAt: m.createdAt, error: err.message })
      }
    }
  }

  function echoOf(clientId: string, body: string, createdAt: string): Msg {
    return {
      id: `local-${clientId}`, roomId, seq: Number.MAX_SAFE_INTEGER, cursor: '', body, clientId, createdAt, editedAt: null, deletedAt: null,
      sender: { id: me.id, username: me.username, displayName: me.displayName, avatarUrl: me.avatarUrl ?? null }, local: 'sending',
      replyTo: null, reactions: [], pinnedAt: null, pinnedBy: null, attachments: [],
    }
  }

  function send(body: string, replyTo: Msg | null = null, attachments: Msg['attachments'] = []) {
    const clientId = newClientId()
    const echo: Msg = {
      ...echoOf(clientId, body, new Date().toISOString()),
      replyTo: replyTo ? { id: replyTo.id, seq: replyTo.seq, body: replyTo.body, deletedAt: replyTo.deletedAt, sender: replyTo.sender } : null,
      reactions: [], pinnedAt: null, pinnedBy: null,
      attachments,
    }
    setState('list', (l) => [...l, echo])
    void attempt(clientId, body, attachments.map((a) => a.id), 0)
    // written while reading further back: the conversation's newest, where it will show
    if (state.hasNewer) void latest()
  }

  /**
   * The connection is back: what waited goes out, in the order it was written. One pass at a
   * time (a reconnect and the browser's "online" can both ask): a second call joins the running
   * one, which picks up anything that started waiting meanwhile. A message that has to wait again
   * (the connection went away once more) ends the pass; the next "connected" starts another.
   */
  let resending: Promise<void> | null = null
  function resendWaiting(): Promise<void> {
    if (resending) return resending
    const pass = async () => {
      // let the caller's assignment below happen before a pass with nothing to do ends
      await Promise.resolve()
      for (;;) {
        const m = state.list.find((x) => x.local === 'waiting' && x.clientId)
        if (!m) return
        await attempt(m.clientId!, m.body, m.attachments.map((a) => a.id), 0)
        if (state.list.some((x) => x.clientId === m.clientId && x.local === 'waiting')) return
      }
    }
    const p = pass().finally(() => { if (resending === p) resending = null })
    resending = p
    return p
  }

  function retry(m: Msg) {
    if (m.clientId) void attempt(m.clientId, m.body, m.attachments.map((a) => a.id), 0)
  }

  async function toggleReaction(id: string, emoji: string, on: boolean) {
    const d = on ? (await mutate(AddReaction, { messageId: id, emoji })).addReaction : (await mutate(RemoveReaction, { messageId: id, emoji })).removeReaction
    upsert(d, 'changed')
  }

  async function setPin(id: string, on: boolean) {
    const d = on ? (await mutate(PinMessage, { messageId: id })).pinMessage : (await mutate(UnpinMessage, { messageId: id })).unpinMessage
    upsert(d, 'changed')
    void loadPinned()
  }

  function discard(m: Msg) {
    if (m.clientId) dropUnsent(me.id, roomId, m.clientId)
    setState('list', (l) => l.filter((x) => x !== m && x.id !== m.id))
  }

  // what this tab could not send here before (refused), shown again at the end of the log
  setState('list', unsentOf(me.id, roomId).map((u) => ({ ...echoOf(u.clientId, u.body, u.createdAt), local: 'failed' as const, localCode: 'FORBIDDEN', localError: u.error ?? 'refused', localRestored: true })))

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
    if (lastEventSeq !== null || state.loading || state.error || state.hasNewer) return
    try {
      const d = await query(RoomMessages, { roomId })
      for (const e of d.messages.edges) upsert(e.node, 'changed')
    } catch {
      /* the next reconnect tries again */
    }
  }

  function stop() {
    for (const s of stops.splice(0)) s()
  }

  /**
   * Keeps the loaded history to the newest `keep` messages once it passes `limit` (the view is at
   * the bottom): a page left open in a busy room grew without bound (5,000 messages, 200k DOM
   * nodes and 300 MB after 20 minutes, a send's echo taking seconds). What goes comes back with
   * "Load older messages", from the cursor of the oldest one kept.
   */
  function trim(limit = TRIM_AT, keep = TRIM_TO) {
    const loaded = state.list.filter((m) => !m.local)
    if (loaded.length <= limit || state.loadingOlder) return
    const first = loaded[loaded.length - keep]!
    batch(() => {
      setState('list', (l) => l.filter((m) => m.local || m.seq >= first.seq))
      setState({ hasOlder: true, olderCursor: first.cursor, olderError: null })
    })
  }

  return {
    state, start, stop, trim, resync, jump, latest, resendWaiting, loadOlder, loadNewer, send, retry, discard, edit, remove, reload: start, toggleReaction, setPin, pinned,
    onAdded(fn: (m: Msg, live: boolean) => void) { onAdded = fn },
  }
}

export type Feed = ReturnType<typeof createFeed>
