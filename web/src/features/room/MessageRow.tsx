// One message: sender, time, body (or its edit form), a failed send's Retry / Discard, and the
// edit / delete actions.
import { Show } from 'solid-js'
import { me } from '../../lib/session'
import { avatarOf, nameOf } from '../../lib/users'
import { Avatar, formatTime } from '../../components/ui'
import type { Feed, Msg } from './feed'
import { MessageBody, mentions } from './MessageBody'
import { MessageAttachments } from './Attachments'
import { createMessageActions, EditMessageForm, MessageActionBar } from './MessageActions'

export function MessageRow(props: { msg: Msg; feed: Feed; ownerView: boolean }) {
  const self = me()!
  const m = () => props.msg
  const mine = () => m().sender.id === self.id
  const actions = createMessageActions(props)
  return (
    <li class={`message ${mine() ? 'mine' : ''} ${m().local ? 'pending' : ''} ${!mine() && !m().deletedAt && mentions(m().body, self.username) ? 'mentioned' : ''}`} data-seq={m().local ? undefined : m().seq}>
      <Avatar name={nameOf(m().sender)} id={m().sender.id} url={avatarOf(m().sender)} size={32} />
      <div class="bubble">
        <div class="meta">
          <span class="sender">{nameOf(m().sender)}</span>
          {/* a deleted account's placeholder has no handle to show */}
          <Show when={m().sender.username !== '[deleted]'}><span class="sender-handle muted small">@{m().sender.username}</span></Show>
          <time class="muted small" datetime={m().createdAt}>{formatTime(m().createdAt)}</time>
          <Show when={m().editedAt && !m().deletedAt}><span class="muted small"> (edited)</span></Show>
          <Show when={m().local === 'sending'}><span class="muted small"> Sending…</span></Show>
        </div>
        <Show when={!actions.editing()} fallback={<EditMessageForm msg={m()} actions={actions} />}>
          <p class="body">
            <Show when={!m().deletedAt} fallback={<em class="muted">Message deleted</em>}>
              <MessageBody body={m().body} myUsername={self.username} />
            </Show>
          </p>
        </Show>
        <Show when={!m().deletedAt && m().attachments?.length}>
          <MessageAttachments items={m().attachments} />
        </Show>
        <Show when={m().local === 'failed'}>
          <p class="send-failed" role="alert">
            Not sent: {m().localError}
            <button type="button" class="btn small" onClick={() => props.feed.retry(m())}>Retry</button>
            <button type="button" class="btn small" onClick={() => props.feed.discard(m())}>Discard</button>
          </p>
        </Show>
        <MessageActionBar msg={m()} actions={actions} mine={mine()} ownerView={props.ownerView} />
      </div>
    </li>
  )
}
