// One message: sender, time, body (or its edit form), a pending send's state, a failed send's
// Retry / Copy text / Discard, a reply's quote, the reactions and the actions (reply, react, pin, edit, delete). A message that continues its sender's group
// shows no header (the name stays for screen readers) and its time beside it.
import { Show } from 'solid-js'
import { me } from '../../lib/session'
import { avatarOf, handleOf, nameOf } from '../../lib/users'
import { Avatar, formatTime, toast } from '../../components/ui'
import { navigate } from '../../lib/router'
import type { Feed, Msg } from './feed'
import { MessageBody, firstLine, mentions } from './MessageBody'
import { ReactionBar } from './Reactions'
import { MessageAttachments } from './Attachments'
import { createMessageActions, EditMessageForm, MessageActionBar } from './MessageActions'

/** a message's text to the clipboard (a failed send's, so that it is not lost) */
async function copyText(text: string) {
  try {
    await navigator.clipboard.writeText(text)
    toast('Copied.')
  } catch {
    toast('Could not copy here: select the text and copy it.', { kind: 'error' })
  }
}

/** scrolls to a message of the list and focuses it (replies' quotes, the pinned list) */
export function jumpToMessage(seq: number): boolean {
  const el = document.querySelector<HTMLElement>(`.message-list li.message[data-seq="${seq}"]`)
  if (!el) return false
  el.scrollIntoView({ block: 'center' })
  el.focus()
  el.classList.add('flash')
  setTimeout(() => el.classList.remove('flash'), 1500)
  return true
}

export function ReplyQuote(props: { replyTo: NonNullable<Msg['replyTo']> }) {
  const q = () => props.replyTo
  return (
    <button type="button" class="reply-quote" onClick={() => { if (!jumpToMessage(q().seq)) navigate(`${location.pathname}?at=${q().seq}`) }}
      aria-label={q().deletedAt ? 'Reply to a deleted message' : `Reply to ${nameOf(q().sender)}: ${firstLine(q().body)}. Show the original`}>
      <Show when={!q().deletedAt} fallback={<em class="muted">Original message deleted</em>}>
        <span class="quote-sender">{nameOf(q().sender)}</span> <span class="quote-text">{firstLine(q().body)}</span>
      </Show>
    </button>
  )
}

export function MessageRow(props: { msg: Msg; feed: Feed; ownerView: boolean; grouped?: boolean; highlight?: boolean; member: boolean; canPin: boolean; onReply: (m: Msg) => void }) {
  const self = me()!
  const m = () => props.msg
  const mine = () => m().sender.id === self.id
  let li: HTMLLIElement | undefined
  const actions = createMessageActions({ get msg() { return props.msg }, feed: props.feed, row: () => li })
  const cls = () => ['message', mine() && 'mine', m().local && 'pending', props.grouped && 'grouped', props.highlight && 'highlight',
    !mine() && !m().deletedAt && mentions(m().body, self.username) && 'mentioned'].filter(Boolean).join(' ')
  return (
    <li ref={li} class={cls()} data-seq={m().local ? undefined : m().seq} tabindex="-1" aria-current={props.highlight ? 'true' : undefined}>
      <Show when={!props.grouped} fallback={<time class="side-time muted" datetime={m().createdAt} aria-hidden="true">{new Date(m().createdAt).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}</time>}>
        <Avatar name={nameOf(m().sender)} id={m().sender.id} url={avatarOf(m().sender)} size={32} />
      </Show>
      <div class="bubble">
        <Show when={m().replyTo}>{(q) => <ReplyQuote replyTo={q()} />}</Show>
        <div class={props.grouped ? 'meta sr-only' : 'meta'}>
          <span class="sender">{nameOf(m().sender)}</span>
          {/* a deleted account's placeholder has no handle to show */}
          <Show when={handleOf(m().sender)}>{(h) => <span class="sender-handle muted small">@{h()}</span>}</Show>
          <time class="muted small" datetime={m().createdAt}>{formatTime(m().createdAt)}</time>
          <Show when={m().pinnedAt && !m().deletedAt}><span class="pinned-mark small" title={m().pinnedBy ? `Pinned by ${nameOf(m().pinnedBy!)}` : 'Pinned'}>Pinned</span></Show>
        </div>
        <Show when={(m().editedAt && !m().deletedAt) || m().local === 'sending' || m().local === 'waiting'}>
          <div class="meta">
            <Show when={m().editedAt && !m().deletedAt}><span class="muted small">(edited)</span></Show>
            <Show when={m().local === 'sending'}><span class="muted small">Sending…</span></Show>
            <Show when={m().local === 'waiting'}><span class="pending-note small">Not sent yet: waiting for the connection</span></Show>
          </div>
        </Show>
        <Show when={!actions.editing()} fallback={<EditMessageForm msg={m()} actions={actions} />}>
          <div class="body">
            <Show when={!m().deletedAt} fallback={<p><em class="muted">Message deleted</em></p>}>
              <MessageBody body={m().body} myUsername={self.username} />
            </Show>
          </div>
        </Show>
        <Show when={!m().deletedAt && m().attachments?.length}>
          <MessageAttachments items={m().attachments} />
        </Show>
        <Show when={m().local === 'failed'}>
          <p class="send-failed" role="alert">
            Not sent: {m().localError}
            {/* refused (a block, a ban): sending again can only fail the same way */}
            <Show when={m().localCode !== 'FORBIDDEN'}><button type="button" class="btn small" onClick={() => props.feed.retry(m())}>Retry</button></Show>
            {/* the text is not lost: copied, it can be sent elsewhere or later */}
            <Show when={m().body}><button type="button" class="btn small" onClick={() => void copyText(m().body)}>Copy text</button></Show>
            <button type="button" class="btn small" onClick={() => props.feed.discard(m())}>Discard</button>
          </p>
        </Show>
        <Show when={m().local === 'waiting'}>
          <p class="send-waiting">
            <button type="button" class="btn small" onClick={() => props.feed.discard(m())}>Discard</button>
          </p>
        </Show>
        <Show when={!m().deletedAt}><ReactionBar msg={m()} feed={props.feed} canReact={props.member} /></Show>
        <MessageActionBar msg={m()} actions={actions} mine={mine()} ownerView={props.ownerView} feed={props.feed} member={props.member} canPin={props.canPin} onReply={props.onReply} />
      </div>
    </li>
  )
}
