// The room's pinned messages, newest pin first: sender, first line, click (or Enter) to jump to
// the message; Unpin for those who may pin. Kept up to date from the room's event log.
import { For, Show } from 'solid-js'
import { nameOf } from '../../lib/users'
import { toAppError } from '../../lib/errors'
import { toast } from '../../components/ui'
import type { Feed } from './feed'
import { firstLine } from './MessageBody'
import { jumpToMessage } from './MessageRow'

export function PinnedPanel(props: { feed: Feed; canPin: boolean }) {
  return (
    <section class="pinned" aria-labelledby="pinned-title">
      <h2 id="pinned-title">Pinned messages</h2>
      <Show when={props.feed.pinned().length} fallback={<p class="muted small">Nothing pinned yet.</p>}>
        <ul class="pinned-list" aria-label="Pinned messages">
          <For each={props.feed.pinned()}>
            {(m) => (
              <li class="pinned-item">
                <button type="button" class="pinned-jump" onClick={() => { if (!jumpToMessage(m.seq)) toast('That message is further up: load older messages to see it.') }}>
                  <span class="quote-sender">{nameOf(m.sender)}</span> <span class="quote-text">{firstLine(m.body)}</span>
                </button>
                <Show when={props.canPin}>
                  <button type="button" class="btn small" aria-label={`Unpin ${nameOf(m.sender)}'s message`}
                    onClick={() => { props.feed.setPin(m.id, false).catch((e) => toast(toAppError(e).message, { kind: 'error' })) }}>Unpin</button>
                </Show>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </section>
  )
}
