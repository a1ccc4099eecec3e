// Reactions under a message (click or Enter/Space toggles one's own; hover or focus shows who) and
// the emoji picker (emoji-picker-element: search by name, the user's recent emoji, keyboard
// navigation), its data served from this site (emoji-picker-element-data, built from emojibase).
import { createSignal, For, onCleanup, onMount, Show } from 'solid-js'
import dataSource from 'emoji-picker-element-data/en/emojibase/data.json?url'
import { nameOf } from '../../lib/users'
import { toAppError } from '../../lib/errors'
import { toast } from '../../components/ui'
import type { Feed, Msg, Reaction } from './feed'

function who(g: Reaction): string {
  const names = g.users.map((u) => nameOf(u))
  const more = g.count - names.length
  return more > 0 ? `${names.join(', ')} and ${more} more` : names.join(', ')
}

export function ReactionBar(props: { msg: Msg; feed: Feed; canReact: boolean }) {
  const toggle = async (g: Reaction) => {
    try {
      await props.feed.toggleReaction(props.msg.id, g.emoji, !g.viewerReacted)
    } catch (e) {
      toast(toAppError(e).message, { kind: 'error' })
    }
  }
  return (
    <Show when={props.msg.reactions.length}>
      <ul class="reactions" aria-label="Reactions">
        <For each={props.msg.reactions}>
          {(g) => (
            <li class="reaction-item">
              <button type="button" class={`reaction ${g.viewerReacted ? 'mine' : ''}`} aria-pressed={!!g.viewerReacted} disabled={!props.canReact}
                aria-label={`${g.emoji} ${g.count}, reacted by ${who(g)}`} aria-describedby={`who-${props.msg.id}-${g.emoji}`}
                onClick={() => void toggle(g)}>
                <span aria-hidden="true">{g.emoji}</span> <span class="reaction-count" aria-hidden="true">{g.count}</span>
              </button>
              <span class="reaction-who" role="tooltip" id={`who-${props.msg.id}-${g.emoji}`}>{who(g)}</span>
            </li>
          )}
        </For>
      </ul>
    </Show>
  )
}

/**
 * The picker's data writes some emoji with a variation selector they do not need ("👍" + U+FE0F);
 * the server accepts the RGI form only, which is the one without it for emoji shown as emoji by
 * default.
 */
export function rgiForm(emoji: string): string {
  return emoji.replace(/^(\p{Emoji_Presentation})\uFE0F$/u, '$1')
}

/** The picker in a small dialog: Escape or a click outside closes it, focus goes back to the opener. */
export function EmojiPickerPopover(props: { anchor: HTMLElement | undefined; onPick: (emoji: string) => void; onClose: () => void }) {
  let host!: HTMLDivElement
  onMount(() => {
    // fixed beside its button, above it when there is no room below (the newest messages sit at the bottom)
    const PICKER_H = 410
    const PICKER_W = 340
    const r = props.anchor?.getBoundingClientRect()
    if (r) {
      const below = window.innerHeight - r.bottom
      host.style.top = `${below >= PICKER_H || r.top < PICKER_H ? Math.min(r.bottom + 4, Math.max(0, window.innerHeight - PICKER_H)) : r.top - PICKER_H - 4}px`
      host.style.left = `${Math.max(4, Math.min(r.right - PICKER_W, window.innerWidth - PICKER_W - 4))}px`
    }
    // the picker's code loads with its first opening (it is not in the main bundle)
    let closed = false
    onCleanup(() => { closed = true })
    void import('emoji-picker-element').then(({ Picker }) => {
      if (closed) return
      const picker = new Picker({ dataSource, locale: 'en' })
      picker.addEventListener('emoji-click', (e) => {
        const u = e.detail.unicode
        if (u) props.onPick(rgiForm(u))
        props.onClose()
      })
      host.appendChild(picker)
      // the search box first: type a name, arrows to move, Enter to choose
      const focusSearch = () => (picker.shadowRoot?.querySelector('input') as HTMLInputElement | null)?.focus()
      requestAnimationFrame(focusSearch)
    }, () => { if (!closed) props.onClose() })
    const outside = (e: MouseEvent) => { if (!host.contains(e.target as Node)) props.onClose() }
    const esc = (e: KeyboardEvent) => { if (e.key === 'Escape') { e.stopPropagation(); props.onClose() } }
    setTimeout(() => document.addEventListener('mousedown', outside))
    host.addEventListener('keydown', esc)
    onCleanup(() => document.removeEventListener('mousedown', outside))
  })
  return <div class="emoji-popover" role="dialog" aria-label="Choose an emoji" ref={host} />
}

/** The "Add reaction" button and its picker. */
export function AddReaction(props: { msg: Msg; feed: Feed }) {
  const [open, setOpen] = createSignal(false)
  let btn: HTMLButtonElement | undefined
  const pick = async (emoji: string) => {
    const had = props.msg.reactions.find((g) => g.emoji === emoji)?.viewerReacted
    try {
      await props.feed.toggleReaction(props.msg.id, emoji, !had)
    } catch (e) {
      toast(toAppError(e).message, { kind: 'error' })
    }
  }
  return (
    <span class="add-reaction">
      <button type="button" class="icon-btn" ref={btn} aria-label="Add reaction" title="Add reaction" aria-expanded={open()} onClick={() => setOpen(!open())}>
        <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true"><path fill="currentColor" d={SMILE} /></svg>
      </button>
      <Show when={open()}>
        <EmojiPickerPopover anchor={btn} onPick={(e) => void pick(e)} onClose={() => { setOpen(false); btn?.focus() }} />
      </Show>
    </span>
  )
}

const SMILE = 'M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 18a8 8 0 1 1 0-16 8 8 0 0 1 0 16zm-3.5-9a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zm7 0a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zM12 17.5c2.3 0 4.3-1.5 5-3.5H7c.7 2 2.7 3.5 5 3.5z'
