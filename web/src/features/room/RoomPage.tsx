import { createEffect, createResource, createSignal, For, on, onCleanup, onMount, Show } from 'solid-js'
import { createStore } from 'solid-js/store'
import { graphql } from '../../gql'
import type { RoomViewFieldsFragment } from '../../gql/graphql'
import { connEpoch, live, mutate, query } from '../../lib/client'
import { me } from '../../lib/session'
import { navigate } from '../../lib/router'
import { applyUser, focusOf, nameOf, roomTitle, statusOf } from '../../lib/users'
import { Async, Avatar, ErrorBox, formatTime, Loading, PresenceDot, toast, useAction } from '../../components/ui'
import { Link } from '../../components/Link'
import { createFeed, type Feed, type Msg } from './feed'
import { MessageBody, mentions } from './MessageBody'
import { TimerPanel } from '../focus/TimerPanel'
import { CallPanel } from '../call/CallPanel'
import { markRoomNotificationsRead } from '../notifications/store'
import { toAppError } from '../../lib/errors'

graphql(`
  fragment RoomViewFields on Room {
    id
    name
    description
    kind
    code
    isActive
    viewerIsMember
    viewerRole
    memberCount
    unreadCount
    createdAt
    createdBy { id displayName }
  }
`)

const RoomQuery = graphql(`
  query RoomView($id: ID!) {
    room(id: $id) { ...RoomViewFields }
  }
`)

const RoomMembers = graphql(`
  query RoomMembers($id: ID!) {
    room(id: $id) {
      id
      memberCount
      members(first: 100) {
        edges { node { role joinedAt user { id username displayName status focusUntil } } }
      }
    }
  }
`)

const RoomPresenceLive = graphql(`
  subscription RoomPresenceLive($roomId: ID) {
    presenceChanged(roomId: $roomId) { status joined left user { id status focusUntil } }
  }
`)

const TypingLive = graphql(`
  subscription TypingLive($roomId: ID!) {
    typing(roomId: $roomId) { typing user { id displayName } }
  }
`)

const SetTyping = graphql(`
  mutation SetTyping($roomId: ID!, $typing: Boolean!) { setTyping(roomId: $roomId, typing: $typing) }
`)

const MarkRead = graphql(`
  mutation MarkRead($roomId: ID!, $messageId: ID!) { markRead(roomId: $roomId, messageId: $messageId) { id unreadCount } }
`)

const JoinRoom = graphql(`
  mutation JoinRoom($roomId: ID!) { joinRoom(roomId: $roomId) { ...RoomViewFields } }
`)

const LeaveRoom = graphql(`
  mutation LeaveRoom($roomId: ID!) { leaveRoom(roomId: $roomId) }
`)

const DeleteRoom = graphql(`
  mutation DeleteRoom($id: ID!) { deleteRoom(id: $id) }
`)

export function RoomPage(props: { id: string }) {
  const [room, { refetch, mutate: setRoom }] = createResource(() => props.id, (id) => query(RoomQuery, { id }).then((d) => d.room))
  // the server ended the room's stream: deleted, or no longer ours to read (left in another window)
  const ended = async () => {
    // room(id) answers NOT_FOUND for a room that is gone or not ours to read
    const now = await query(RoomQuery, { id: props.id }).then((d) => d.room, (e) => (toAppError(e).code === 'NOT_FOUND' ? null : undefined))
    if (now === undefined) return
    if (now === null) toast('This room was deleted, or you are no longer in it.', { kind: 'error' })
    setRoom(now)
  }
  return (
    <Async resource={room} refetch={refetch} label="Opening room…">
      {(r) => (
        <Show when={r} fallback={<section class="page"><h1>Room not found</h1><p>It does not exist, or it is private. <Link href="/">Back to rooms</Link></p></section>}>
          {(rr) => (
            // keyed by room and membership: another room, or joining this one, builds a fresh view whose
            // subscriptions start with the viewer's new rights (typing and presence are for members)
            <Show when={`${rr().id}:${rr().viewerIsMember}`} keyed>
              <RoomView room={rr()} onRoom={(x) => setRoom(x)} onEnded={() => void ended()} />
            </Show>
          )}
        </Show>
      )}
    </Async>
  )
}

function fetchMembers(id: string, onCount?: (n: number) => void) {
  return query(RoomMembers, { id }).then((d) => {
    if (d.room) onCount?.(d.room.memberCount)
    return d.room?.members.edges.map((e) => e.node) ?? []
  })
}
type MemberList = Awaited<ReturnType<typeof fetchMembers>>

function Members(props: { members: import('solid-js').Resource<MemberList>; refetch: () => void }) {
  const members = props.members
  const refetch = props.refetch
  const sorted = () => {
    const rank = { ONLINE: 0, AWAY: 1, OFFLINE: 2 } as const
    return [...(members.latest ?? [])].sort((a, b) => rank[statusOf(a.user)] - rank[statusOf(b.user)] || nameOf(a.user).localeCompare(nameOf(b.user)))
  }
  return (
    <section class="members" aria-labelledby="members-title">
      <h2 id="members-title">Members</h2>
      <Async resource={members} refetch={refetch} label="Loading members…">
        {() => (
          <ul class="member-list" aria-label="Room members">
            <For each={sorted()}>
              {(m) => (
                <li class="member">
                  <Avatar name={nameOf(m.user)} id={m.user.id} size={28} />
                  <span class="grow">
                    <span class="member-name">{nameOf(m.user)}</span>
                    <Show when={m.role === 'OWNER'}> <span class="tag">Owner</span></Show>
                    <Show when={focusOf(m.user)}> <span class="tag focus" title="In a focus session">Focusing</span></Show>
                  </span>
                  <PresenceDot status={statusOf(m.user)} />
                </li>
              )}
            </For>
          </ul>
        )}
      </Async>
    </section>
  )
}

function RoomView(props: { room: RoomViewFieldsFragment; onRoom: (r: RoomViewFieldsFragment) => void; onEnded: () => void }) {
  const r = () => props.room
  const self = me()!
  const feed = createFeed(props.room.id, self)
  createEffect(on(() => feed.state.ended, (e) => { if (e) props.onEnded() }, { defer: true }))
  const [membersEpoch, setMembersEpoch] = createSignal(0)
  // the header's count follows joins and leaves with the list (both refetched on joined / left)
  const [memberCount, setMemberCount] = createSignal<number | null>(null)
  const [members, { refetch: refetchMembers }] = createResource(() => [props.room.id, membersEpoch()] as const, ([id]) => fetchMembers(id, setMemberCount))
  const [typers, setTypers] = createStore<Record<string, { name: string; until: number }>>({})
  const [now, setNow] = createSignal(Date.now())
  const [panel, setPanel] = createSignal<'members' | null>(null)
  let sideClose: HTMLButtonElement | undefined
  // Escape puts the phone panel away wherever the focus is; opening it moves the focus inside
  const onEscape = (e: KeyboardEvent) => { if (e.key === 'Escape' && panel()) setPanel(null) }
  window.addEventListener('keydown', onEscape)
  onCleanup(() => window.removeEventListener('keydown', onEscape))
  createEffect(on(panel, (p) => { if (p) queueMicrotask(() => sideClose?.focus()) }, { defer: true }))
  // the "new messages" divider sits before the first message that was unread when the room opened
  const [dividerBefore, setDividerBefore] = createSignal<string | null>(null)
  let listEl: HTMLDivElement | undefined
  let stickToBottom = true

  onMount(() => {
    void feed.start().then(() => {
      let left = props.room.unreadCount
      const l = feed.state.list
      for (let i = l.length - 1; i >= 0 && left > 0; i--) {
        if (l[i].sender.id !== self.id && !l[i].deletedAt) {
          left--
          if (left === 0) setDividerBefore(l[i].id)
        }
      }
      scrollToBottom()
      scheduleMarkRead()
    })
    // typing and presence are for members: a reader of a PUBLIC room would only be refused
    const stops = !props.room.viewerIsMember ? [] : [
      live(TypingLive, () => ({ roomId: props.room.id }), {
        next: (d) => {
          const t = d.typing
          if (t.user.id === self.id) return
          if (t.typing) setTypers(t.user.id, { name: t.user.displayName, until: Date.now() + 6000 })
          else setTypers(t.user.id, undefined!)
        },
      }),
      live(RoomPresenceLive, () => ({ roomId: props.room.id }), {
        next: (d) => {
          const p = d.presenceChanged
          applyUser({ ...p.user, status: p.status })
          if (p.joined || p.left) setMembersEpoch((n) => n + 1)
        },
      }),
    ]
    const tick = setInterval(() => setNow(Date.now()), 1000)
    onCleanup(() => {
      feed.stop()
      stops.forEach((s) => s())
      clearInterval(tick)
      stopTyping()
    })
  })

  // after a reconnect presence may have moved while we were away
  createEffect(on(connEpoch, () => {
    setMembersEpoch((n) => n + 1)
    void feed.resync()
  }, { defer: true }))

  feed.onAdded((m) => {
    if (m.sender.id !== self.id) setTypers(m.sender.id, undefined!)
    if (stickToBottom) queueMicrotask(scrollToBottom)
    scheduleMarkRead()
  })

  function scrollToBottom() {
    if (listEl) listEl.scrollTop = listEl.scrollHeight
  }

  let markTimer: ReturnType<typeof setTimeout> | undefined
  let markPending = false
  let markedId: string | null = null
  function markNow() {
    clearTimeout(markTimer)
    markPending = false
    if (!props.room.viewerIsMember || document.visibilityState !== 'visible') return
    const last = [...feed.state.list].reverse().find((m) => !m.local)
    if (!last || last.id === markedId) return
    markedId = last.id
    const roomId = props.room.id
    mutate(MarkRead, { roomId, messageId: last.id }).then(() => markRoomNotificationsRead(roomId), () => { markedId = null })
  }
  /** a burst of messages marks once, shortly after the last one */
  function scheduleMarkRead() {
    clearTimeout(markTimer)
    markPending = true
    markTimer = setTimeout(markNow, 400)
  }
  const onVisible = () => { if (document.visibilityState === 'visible') scheduleMarkRead() }
  document.addEventListener('visibilitychange', onVisible)
  onCleanup(() => {
    document.removeEventListener('visibilitychange', onVisible)
    // leaving right after a message arrived: what was on screen still counts as read
    if (markPending) markNow()
  })

  // typing: announce at most every 3 s while typing, and stop after 4 s of quiet
  let typingSentAt = 0
  let typingIdle: ReturnType<typeof setTimeout> | undefined
  function typed() {
    if (!props.room.viewerIsMember) return
    const t = Date.now()
    if (t - typingSentAt > 3000) {
      typingSentAt = t
      mutate(SetTyping, { roomId: props.room.id, typing: true }).catch(() => {})
    }
    clearTimeout(typingIdle)
    typingIdle = setTimeout(stopTyping, 4000)
  }
  function stopTyping() {
    clearTimeout(typingIdle)
    if (!typingSentAt) return
    typingSentAt = 0
    mutate(SetTyping, { roomId: props.room.id, typing: false }).catch(() => {})
  }

  const typingText = () => {
    const names = Object.values(typers).filter((t) => t && t.until > now()).map((t) => t.name)
    if (!names.length) return ''
    if (names.length === 1) return `${names[0]} is typing…`
    if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`
    return 'Several people are typing…'
  }

  const join = useAction(async () => {
    const d = await mutate(JoinRoom, { roomId: props.room.id })
    props.onRoom(d.joinRoom)
    setMembersEpoch((n) => n + 1)
  })
  const leave = useAction(async () => {
    await mutate(LeaveRoom, { roomId: props.room.id })
    toast(`You left ${props.room.name}`)
    navigate('/')
  })
  const [confirmDelete, setConfirmDelete] = createSignal(false)
  const [confirmLeave, setConfirmLeave] = createSignal(false)
  const del = useAction(async () => {
    await mutate(DeleteRoom, { id: props.room.id })
    toast(`${props.room.name} was deleted`)
    navigate('/')
  })

  const inviteLink = () => `${location.origin}/join/${r().code}`
  const share = async () => {
    try {
      await navigator.clipboard.writeText(inviteLink())
      toast('Invite link copied')
    } catch {
      toast(`Invite code: ${r().code}`)
    }
  }

  const onScroll = () => {
    if (!listEl) return
    stickToBottom = listEl.scrollHeight - listEl.scrollTop - listEl.clientHeight < 80
    if (listEl.scrollTop < 40 && feed.state.hasOlder && !feed.state.loadingOlder) void older()
  }
  async function older() {
    const before = listEl ? listEl.scrollHeight - listEl.scrollTop : 0
    await feed.loadOlder()
    // keep the message the reader was looking at in place
    if (listEl) listEl.scrollTop = listEl.scrollHeight - before
  }

  return (
    <div class="room-layout">
      <section class="room-main" aria-labelledby="room-title">
        <header class="room-header">
          <div class="grow">
            <h1 id="room-title">{roomTitle(r(), self.username)}</h1>
            <p class="muted small">
              {r().kind === 'PUBLIC' ? 'Public room' : r().kind === 'PRIVATE' ? 'Private room' : 'Direct messages'}
              <Show when={r().description}> · {r().description}</Show>
            </p>
          </div>
          <div class="row wrap room-actions">
            <Show when={r().kind !== 'DIRECT' && r().viewerIsMember}>
              <span class="code-chip" title="Room code">Code: <code data-testid="room-code">{r().code}</code></span>
              <button type="button" class="btn small" onClick={() => void share()}>Copy invite link</button>
            </Show>
            <button type="button" class="btn small members-toggle" aria-controls="room-side" aria-expanded={panel() === 'members'} onClick={() => setPanel(panel() === 'members' ? null : 'members')}>
              {r().viewerIsMember && r().kind !== 'DIRECT' ? `Members & timer (${memberCount() ?? r().memberCount})` : `Members (${memberCount() ?? r().memberCount})`}
            </button>
            <Show when={r().viewerIsMember && r().kind !== 'DIRECT'}>
              {/* a PRIVATE room cannot be found again without its code: ask once */}
              <Show when={confirmLeave()} fallback={<button type="button" class="btn small" onClick={() => setConfirmLeave(true)}>Leave room</button>}>
                <button type="button" class="btn small danger" disabled={leave.busy()} onClick={() => void leave.run()}>Confirm leave</button>
                <button type="button" class="btn small" onClick={() => setConfirmLeave(false)}>Stay</button>
              </Show>
            </Show>
            <Show when={r().viewerRole === 'OWNER'}>
              <Show when={confirmDelete()} fallback={<button type="button" class="btn small danger" onClick={() => setConfirmDelete(true)}>Delete room</button>}>
                <button type="button" class="btn small danger" disabled={del.busy()} onClick={() => void del.run()}>Confirm delete</button>
                <button type="button" class="btn small" onClick={() => setConfirmDelete(false)}>Cancel</button>
              </Show>
            </Show>
          </div>
        </header>
        <Show when={leave.error() || del.error() || join.error()}>
          <ErrorBox error={leave.error() || del.error() || join.error()} />
        </Show>
        <Show when={r().viewerIsMember}>
          <CallPanel roomId={r().id} />
        </Show>
        <div class="messages" ref={listEl} onScroll={onScroll} role="log" aria-label={`Messages in ${roomTitle(r(), self.username)}`} aria-live="polite" aria-relevant="additions" tabindex="0">
          <Show when={feed.state.hasOlder}>
            <div class="older">
              <button type="button" class="btn small" disabled={feed.state.loadingOlder} onClick={() => void older()}>
                {feed.state.loadingOlder ? 'Loading…' : 'Load older messages'}
              </button>
            </div>
          </Show>
          <Show when={feed.state.olderError}><ErrorBox error={feed.state.olderError} retry={() => void older()} /></Show>
          <Show when={!feed.state.loading} fallback={<Loading label="Loading messages…" />}>
            <Show when={!feed.state.error} fallback={<ErrorBox error={feed.state.error} retry={() => void feed.reload()} />}>
              <Show when={feed.state.list.length} fallback={<p class="muted empty">No messages yet. Say hello!</p>}>
                <ol class="message-list">
                  <For each={feed.state.list}>
                    {(m) => (
                      <>
                        <Show when={dividerBefore() === m.id}>
                          <li class="divider" role="separator" aria-label="New messages"><span>New messages</span></li>
                        </Show>
                        <MessageRow msg={m} feed={feed} ownerView={r().viewerRole === 'OWNER'} />
                      </>
                    )}
                  </For>
                </ol>
              </Show>
            </Show>
          </Show>
          <Show when={feed.state.liveError}>
            <ErrorBox error={feed.state.liveError} />
          </Show>
        </div>
        <p class="typing" aria-live="polite">{typingText()}</p>
        <Show when={r().viewerIsMember} fallback={
          <div class="join-bar">
            <span>You are previewing this room.</span>
            <button type="button" class="btn primary" disabled={join.busy()} onClick={() => void join.run()}>Join room</button>
          </div>
        }>
          <Composer roomName={roomTitle(r(), self.username)} people={(members.latest ?? []).map((m) => m.user).filter((u) => u.id !== self.id)} onSend={(b) => { stopTyping(); stickToBottom = true; feed.send(b); queueMicrotask(scrollToBottom) }} onTyping={typed} />
        </Show>
      </section>
      <Show when={panel() === 'members'}>
        {/* phones: the panel covers the room; a tap beside it, Escape or Close puts it away */}
        <div class="side-backdrop" aria-hidden="true" onClick={() => setPanel(null)} />
      </Show>
      <aside id="room-side" class={`room-side ${panel() === 'members' ? 'open' : ''}`} aria-label="Room details">
        <button type="button" class="btn small side-close" ref={sideClose} onClick={() => setPanel(null)}>Close</button>
        <Show when={r().viewerIsMember}>
          <TimerPanel roomId={r().id} />
        </Show>
        <Members members={members} refetch={() => void refetchMembers()} />
      </aside>
    </div>
  )
}

function Composer(props: { roomName: string; people: { username: string; displayName: string }[]; onSend: (body: string) => void; onTyping: () => void }) {
  const [text, setText] = createSignal('')
  const [mention, setMention] = createSignal<string | null>(null)
  const [active, setActive] = createSignal(0)
  let ta: HTMLTextAreaElement | undefined

  // "@par" right before the caret offers matching members; Tab or Enter completes
  const suggestions = () => {
    const q = mention()
    if (q === null) return []
    const l = q.toLowerCase()
    return props.people.filter((p) => p.username.toLowerCase().startsWith(l) || p.displayName.toLowerCase().startsWith(l)).slice(0, 5)
  }
  const updateQuery = () => {
    if (!ta) return
    const m = /(^|\s)@([A-Za-z0-9_.-]{0,32})$/.exec(ta.value.slice(0, ta.selectionStart ?? ta.value.length))
    setMention(m ? m[2] : null)
    setActive(0)
  }
  const complete = (username: string) => {
    if (!ta) return
    const caret = ta.selectionStart ?? ta.value.length
    const before = ta.value.slice(0, caret).replace(/@[A-Za-z0-9_.-]*$/, `@${username} `)
    const next = before + ta.value.slice(caret)
    setText(next)
    ta.value = next
    ta.setSelectionRange(before.length, before.length)
    setMention(null)
    ta.focus()
  }
  const submit = () => {
    const body = text().trim()
    if (!body) return
    if ([...body].length > 4000) {
      toast('Messages can be at most 4000 characters.', { kind: 'error' })
      return
    }
    props.onSend(body)
    setText('')
    setMention(null)
    ta?.focus()
  }
  return (
    <form class="composer" onSubmit={(e) => { e.preventDefault(); submit() }}>
      <label class="sr-only" for="composer-input">Message</label>
      <div class="composer-input grow">
        <Show when={suggestions().length}>
          <ul class="mention-list" role="listbox" id="mention-list" aria-label="Mention someone">
            <For each={suggestions()}>
              {(p, i) => (
                <li role="option" id={`mention-${i()}`} aria-selected={i() === active()} class={i() === active() ? 'active' : ''} onMouseDown={(e) => { e.preventDefault(); complete(p.username) }}>
                  <strong>{p.displayName}</strong> <span class="muted">@{p.username}</span>
                </li>
              )}
            </For>
          </ul>
        </Show>
        <textarea
          id="composer-input"
          ref={ta}
          rows={1}
          placeholder={`Message ${props.roomName}`}
          value={text()}
          aria-autocomplete="list"
          aria-controls={suggestions().length ? 'mention-list' : undefined}
          aria-activedescendant={suggestions().length ? `mention-${active()}` : undefined}
          onInput={(e) => { setText(e.currentTarget.value); updateQuery(); props.onTyping() }}
          onBlur={() => setMention(null)}
          onKeyDown={(e) => {
            const list = suggestions()
            if (list.length) {
              if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
                e.preventDefault()
                setActive((a) => (a + (e.key === 'ArrowDown' ? 1 : list.length - 1)) % list.length)
                return
              }
              // "thanks @bob" + Enter sends: a name typed in full needs no completing
              const typedInFull = list.some((p) => p.username.toLowerCase() === (mention() ?? '').toLowerCase())
              if (e.key === 'Tab' || (e.key === 'Enter' && !e.shiftKey && !typedInFull)) {
                e.preventDefault()
                complete(list[active()].username)
                return
              }
              if (e.key === 'Escape') {
                setMention(null)
                return
              }
            }
            // Enter sends, Shift+Enter starts a new line
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault()
              submit()
            }
          }}
        />
      </div>
      <button type="submit" class="btn primary" disabled={!text().trim()}>Send</button>
    </form>
  )
}

function MessageRow(props: { msg: Msg; feed: Feed; ownerView: boolean }) {
  const self = me()!
  const m = () => props.msg
  const mine = () => m().sender.id === self.id
  const [editing, setEditing] = createSignal(false)
  const [draft, setDraft] = createSignal('')
  const save = useAction(async () => {
    const body = draft().trim()
    if (!body || body === m().body) return setEditing(false)
    await props.feed.edit(m().id, body)
    setEditing(false)
  })
  const remove = useAction(() => props.feed.remove(m().id))
  // one mis-tap must not delete (an owner sees Delete on everyone's messages): ask once, inline
  const [confirming, setConfirming] = createSignal(false)
  return (
    <li class={`message ${mine() ? 'mine' : ''} ${m().local ? 'pending' : ''} ${!mine() && !m().deletedAt && mentions(m().body, self.username) ? 'mentioned' : ''}`} data-seq={m().local ? undefined : m().seq}>
      <Avatar name={nameOf(m().sender)} id={m().sender.id} size={32} />
      <div class="bubble">
        <div class="meta">
          <span class="sender">{nameOf(m().sender)}</span>
          <span class="sender-handle muted small">@{m().sender.username}</span>
          <time class="muted small" datetime={m().createdAt}>{formatTime(m().createdAt)}</time>
          <Show when={m().editedAt && !m().deletedAt}><span class="muted small"> (edited)</span></Show>
          <Show when={m().local === 'sending'}><span class="muted small"> Sending…</span></Show>
        </div>
        <Show when={!editing()} fallback={
          <form class="edit-form" onSubmit={(e) => { e.preventDefault(); void save.run() }}>
            <label class="sr-only" for={`edit-${m().id}`}>Edit message</label>
            <textarea id={`edit-${m().id}`} value={draft()} onInput={(e) => setDraft(e.currentTarget.value)} onKeyDown={(e) => {
              if (e.key === 'Escape') setEditing(false)
              if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); void save.run() }
            }} ref={(el) => queueMicrotask(() => el.focus())} />
            <div class="row">
              <button type="submit" class="btn small primary" disabled={save.busy()}>Save</button>
              <button type="button" class="btn small" onClick={() => setEditing(false)}>Cancel</button>
            </div>
            <Show when={save.error()}><ErrorBox error={save.error()} /></Show>
          </form>
        }>
          <p class="body">
            <Show when={!m().deletedAt} fallback={<em class="muted">Message deleted</em>}>
              <MessageBody body={m().body} myUsername={self.username} />
            </Show>
          </p>
        </Show>
        <Show when={m().local === 'failed'}>
          <p class="send-failed" role="alert">
            Not sent: {m().localError}
            <button type="button" class="btn small" onClick={() => props.feed.retry(m())}>Retry</button>
            <button type="button" class="btn small" onClick={() => props.feed.discard(m())}>Discard</button>
          </p>
        </Show>
        <Show when={!m().local && !m().deletedAt && !editing() && (mine() || props.ownerView)}>
          <div class={`msg-actions ${confirming() ? 'confirming' : ''}`}>
            <Show when={!confirming()} fallback={
              <>
                <span class="small">Delete this message?</span>
                <button type="button" class="btn small danger" disabled={remove.busy()} ref={(el) => queueMicrotask(() => el.focus())} onClick={() => { setConfirming(false); void remove.run() }}>Confirm delete</button>
                <button type="button" class="btn small" onClick={() => setConfirming(false)} onKeyDown={(e) => { if (e.key === 'Escape') setConfirming(false) }}>Keep</button>
              </>
            }>
              <Show when={mine()}>
                <button type="button" class="icon-btn" aria-label="Edit message" title="Edit" onClick={() => { setDraft(m().body); setEditing(true) }}><Icon d={PENCIL} /></button>
              </Show>
              <button type="button" class="icon-btn" aria-label="Delete message" title="Delete" disabled={remove.busy()} onClick={() => setConfirming(true)}><Icon d={TRASH} /></button>
            </Show>
          </div>
        </Show>
        <Show when={remove.error()}><ErrorBox error={remove.error()} /></Show>
      </div>
    </li>
  )
}

// icons as paths (no emoji font needed): a pencil and a bin, drawn in the text colour
const PENCIL = 'M3 17.25V21h3.75L17.8 9.94l-3.75-3.75L3 17.25zm17.7-10.2a1 1 0 0 0 0-1.41l-2.34-2.34a1 1 0 0 0-1.41 0l-1.83 1.83 3.75 3.75 1.83-1.83z'
const TRASH = 'M6 19a2 2 0 0 0 2 2h8a2 2 0 0 0 2-2V7H6v12zM19 4h-3.5l-1-1h-5l-1 1H5v2h14V4z'
function Icon(props: { d: string }) {
  return <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true"><path fill="currentColor" d={props.d} /></svg>
}
