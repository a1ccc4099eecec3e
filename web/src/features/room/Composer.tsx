// The message composer: Enter sends, Shift+Enter starts a new line (inside a ``` code fence too:
// the text is sent exactly as typed, Markdown and all), "@par" offers matching members to
// complete, and a reply shows what it answers (Escape or Cancel drops the reply).
import { createSignal, For, Show } from 'solid-js'
import { toast } from '../../components/ui'
import { nameOf } from '../../lib/users'
import type { Msg } from './feed'
import { firstLine } from './MessageBody'

export function Composer(props: { roomName: string; people: { username: string; displayName: string }[]; onSend: (body: string) => void; onTyping: () => void; replyTo: Msg | null; onCancelReply: () => void }) {
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
    // trailing blanks go, leading indentation stays (a message may start with an indented code block)
    const body = text().replace(/^\s*\n/, '').trimEnd()
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
      <Show when={props.replyTo}>
        {(r) => (
          <div class="replying" role="status">
            <span>Replying to <strong>{nameOf(r().sender)}</strong>: <span class="muted">{firstLine(r().body)}</span></span>
            <button type="button" class="btn small" aria-label="Cancel reply" onClick={() => { props.onCancelReply(); ta?.focus() }}>Cancel</button>
          </div>
        )}
      </Show>
      <label class="sr-only" for="composer-input">{props.replyTo ? `Reply to ${nameOf(props.replyTo.sender)}` : 'Message'}</label>
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
            if (e.key === 'Escape' && props.replyTo) {
              props.onCancelReply()
              return
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
