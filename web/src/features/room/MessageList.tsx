// The message log: older pages loaded on scrolling up (keeping the reader's place), the newest kept
// in view while the reader is at the bottom, and the "new messages" divider.
import { For, Show } from 'solid-js'
import { ErrorBox, Loading } from '../../components/ui'
import type { Feed, Msg } from './feed'
import { MessageRow } from './MessageRow'

export function createMessageScroll(feed: Feed) {
  let listEl: HTMLDivElement | undefined
  let stickToBottom = true

  function scrollToBottom() {
    if (listEl) listEl.scrollTop = listEl.scrollHeight
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

  return {
    ref: (el: HTMLDivElement) => { listEl = el },
    onScroll,
    older,
    toBottom: scrollToBottom,
    /** whether the reader is at the newest messages (then new ones are scrolled into view) */
    stuck: () => stickToBottom,
    /** the viewer sent a message: follow the newest again */
    stick: () => { stickToBottom = true },
  }
}
export type MessageScroll = ReturnType<typeof createMessageScroll>

export function MessageList(props: { feed: Feed; scroll: MessageScroll; label: string; dividerBefore: string | null; ownerView: boolean; member: boolean; canPin: boolean; onReply: (m: Msg) => void }) {
  const feed = props.feed
  const scroll = props.scroll
  return (
    <div class="messages" ref={scroll.ref} onScroll={scroll.onScroll} role="log" aria-label={props.label} aria-live="polite" aria-relevant="additions" tabindex="0">
      <Show when={feed.state.hasOlder}>
        <div class="older">
          <button type="button" class="btn small" disabled={feed.state.loadingOlder} onClick={() => void scroll.older()}>
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
                {(m) => (
                  <>
                    <Show when={props.dividerBefore === m.id}>
                      <li class="divider" role="separator" aria-label="New messages"><span>New messages</span></li>
                    </Show>
                    <MessageRow msg={m} feed={feed} ownerView={props.ownerView} member={props.member} canPin={props.canPin} onReply={props.onReply} />
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
  )
}
