// The message log: older pages loaded on scrolling up (keeping the reader's place), the newest kept
// in view while the reader is at the bottom, a "new messages" bar when the reader is scrolled up,
// the "new messages" divider, day separators, and consecutive messages of one sender grouped.
import { createSignal, For, Show } from 'solid-js'
import { connState } from '../../lib/client'
import { ErrorBox, Loading } from '../../components/ui'
import type { Feed, Msg } from './feed'
import { MessageRow } from './MessageRow'

/** messages of one sender closer than this share one header */
const GROUP_MS = 5 * 60_000

export function createMessageScroll(feed: Feed) {
  let listEl: HTMLDivElement | undefined
  let stickToBottom = true
  // a revealed message (search hit, first unread) stays in view while more history streams in,
  // until the reader scrolls, sends, or goes to the newest
  let pinned = false
  // others' messages that arrived while the reader was scrolled up
  const [unseen, setUnseen] = createSignal(0)

  function scrollToBottom() {
    pinned = false
    if (listEl) listEl.scrollTop = listEl.scrollHeight
    setUnseen(0)
  }
  const onScroll = () => {
    if (!listEl) return
    stickToBottom = listEl.scrollHeight - listEl.scrollTop - listEl.clientHeight < 80
    if (stickToBottom) setUnseen(0)
    if (listEl.scrollTop < 40 && feed.state.hasOlder && !feed.state.loadingOlder) void older()
    if (stickToBottom && feed.state.hasNewer && !feed.state.loadingNewer) void feed.loadNewer()
  }
  async function older() {
    const before = listEl ? listEl.scrollHeight - listEl.scrollTop : 0
    // keep the message the reader was looking at in place
    if ((await feed.loadOlder()) && listEl) listEl.scrollTop = listEl.scrollHeight - before
  }
  /** scrolls one message to the middle of the log and moves the focus to it (search hits, first unread) */
  function reveal(seq: number) {
    const el = listEl?.querySelector<HTMLElement>(`li.message[data-seq="${seq}"]`)
    if (!el || !listEl) return false
    stickToBottom = false
    pinned = true
    el.scrollIntoView({ block: 'center' })
    el.focus({ preventScroll: true })
    return true
  }

  return {
    ref: (el: HTMLDivElement) => {
      listEl = el
      // the reader's own scrolling ends a pin
      const unpin = () => { pinned = false }
      for (const ev of ['wheel', 'touchmove', 'keydown', 'pointerdown'] as const) el.addEventListener(ev, unpin, { passive: true })
    },
    onScroll,
    older,
    toBottom: scrollToBottom,
    reveal,
    /** whether the reader is at the newest messages (then new ones are scrolled into view) */
    stuck: () => stickToBottom && !pinned,
    /** the viewer sent a message: follow the newest again */
    stick: () => { stickToBottom = true; pinned = false },
    unseen,
    /** someone else's message arrived while the reader is scrolled up */
    noteUnseen: () => setUnseen((n) => n + 1),
  }
}
export type MessageScroll = ReturnType<typeof createMessageScroll>

function dayKey(iso: string): string {
  return new Date(iso).toDateString()
}

/** "Today", "Yesterday", or the date ("Monday 30 November", with the year when not this one) */
export function dayLabel(iso: string): string {
  const d = new Date(iso)
  const today = new Date()
  const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1)
  if (d.toDateString() === today.toDateString()) return 'Today'
  if (d.toDateString() === yesterday.toDateString()) return 'Yesterday'
  return d.toLocaleDateString(undefined, { weekday: 'long', day: 'numeric', month: 'long', ...(d.getFullYear() !== today.getFullYear() ? { year: 'numeric' } : {}) })
}

function continues(prev: Msg | undefined, m: Msg): boolean {
  return !!prev && prev.sender.id === m.sender.id && dayKey(prev.createdAt) === dayKey(m.createdAt) &&
    new Date(m.createdAt).getTime() - new Date(prev.createdAt).getTime() < GROUP_MS
}

export function MessageList(props: {
  feed: Feed
  scroll: MessageScroll
  label: string
  dividerBefore: string | null
  ownerView: boolean
  member: boolean
  canPin: boolean
  onReply: (m: Msg) => void
  /** the seq of the message to highlight (a search hit, the first unread) */
  highlight: number | null
  /** others' unread messages older than the loaded page: how many, and the jump to the first */
  unreadAbove: { count: number; jump: () => void } | null
  /** others' messages that arrived live: the only ones a screen reader announces */
  arrivals: { id: string; text: string }[]
}) {
  const feed = props.feed
  const scroll = props.scroll
  const away = () => connState() === 'reconnecting' || connState() === 'offline'
  return (
    <div class="messages-wrap">
      <Show when={away()}>
        <div class="conn-banner" role="status">
          <span class="spinner" aria-hidden="true" />
          {connState() === 'offline' ? 'You are offline.' : 'Connection lost, reconnecting…'} Messages you send now go out once it is back.
        </div>
      </Show>
      <Show when={props.unreadAbove}>
        {(u) => (
          <div class="unread-bar">
            <span>{u().count === 1 ? '1 unread message' : `${u().count} unread messages`} above</span>
            <button type="button" class="btn small" onClick={() => u().jump()}>Jump to first unread</button>
          </div>
        )}
      </Show>
      {/* The log is read by moving through it, not announced: opening a room, or loading older
          messages, inserted a whole page into it and a live log read it all aloud. Messages that
          arrive live are announced from this region instead, each once. */}
      <div class="sr-only" aria-live="polite" aria-relevant="additions" data-testid="arrivals">
        <For each={props.arrivals}>{(a) => <p>{a.text}</p>}</For>
      </div>
      <div class="messages" ref={scroll.ref} onScroll={scroll.onScroll} role="log" aria-label={props.label} aria-live="off" tabindex="0" data-refocus=":scope">
        <Show when={feed.state.hasOlder}>
          <div class="older">
            <button type="button" class="btn small" aria-disabled={feed.state.loadingOlder} onClick={() => { if (!feed.state.loadingOlder) void scroll.older() }}>
              {feed.state.loadingOlder ? 'Loading…' : 'Load older messages'}
            </button>
          </div>
        </Show>
        <Show when={feed.state.olderError}><ErrorBox error={feed.state.olderError} retry={() => void scroll.older()} /></Show>
        <Show when={!feed.state.loading} fallback={<Loading label="Loading messages…" />}>
          <Show when={!feed.state.error} fallback={<ErrorBox error={feed.state.error} retry={() => void feed.reload()} />}>
            <Show when={feed.state.list.length} fallback={<p class="muted empty">No messages yet. Say hello!</p>}>
              <ol class="message-list">
                <For each={feed.state.list}>
                  {(m, i) => {
                    const prev = () => feed.state.list[i() - 1] as Msg | undefined
                    const newDay = () => !prev() || dayKey(prev()!.createdAt) !== dayKey(m.createdAt)
                    const divider = () => props.dividerBefore === m.id
                    return (
                      <>
                        {/* a list holds list items only: the separator is inside one (an <li> whose
                            role was separator made the list invalid) */}
                        <Show when={newDay()}>
                          <li class="day"><span role="separator" aria-label={dayLabel(m.createdAt)}>{dayLabel(m.createdAt)}</span></li>
                        </Show>
                        <Show when={divider()}>
                          <li class="divider"><span role="separator" aria-label="New messages">New messages</span></li>
                        </Show>
                        <MessageRow msg={m} feed={feed} ownerView={props.ownerView} member={props.member} canPin={props.canPin} onReply={props.onReply} grouped={!divider() && continues(prev(), m)} highlight={!m.local && props.highlight === m.seq} />
                      </>
                    )
                  }}
                </For>
              </ol>
            </Show>
          </Show>
        </Show>
        <Show when={feed.state.hasNewer && !feed.state.loading}>
          <div class="older">
            <button type="button" class="btn small" aria-disabled={feed.state.loadingNewer} onClick={() => { if (!feed.state.loadingNewer) void feed.loadNewer() }}>
              {feed.state.loadingNewer ? 'Loading…' : 'Load newer messages'}
            </button>
            <button type="button" class="btn small" onClick={() => void feed.latest()}>Jump to latest</button>
          </div>
        </Show>
        <Show when={feed.state.newerError}><ErrorBox error={feed.state.newerError} retry={() => void feed.loadNewer()} /></Show>
        <Show when={feed.state.liveError}>
          <ErrorBox error={feed.state.liveError} />
        </Show>
      </div>
      <Show when={scroll.unseen() > 0}>
        <button type="button" class="btn small new-bar" onClick={() => scroll.toBottom()}>
          {scroll.unseen() === 1 ? '1 new message' : `${scroll.unseen()} new messages`} ↓
        </button>
      </Show>
    </div>
  )
}
