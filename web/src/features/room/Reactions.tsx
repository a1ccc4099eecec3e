// Reactions under a message (click or Enter/Space toggles one's own; hover or focus shows who) and
// the emoji picker (emoji-picker-element: search by name, the user's recent emoji, keyboard
// navigation), its data served from this site (emoji-picker-element-data, built from emojibase).
import { createSignal, For, onCleanup, onMount, Show } from 'solid-js'
import dataSource from 'emoji-picker-element-data/en/emojibase/data.json?url'
import { nameOf } from '../../lib/users'
import { toAppError } from '../../lib/errors'
import { Loading, toast } from '../../components/ui'
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

type PickerModule = typeof import('emoji-picker-element')
let loading: Promise<PickerModule> | null = null
/**
 * The picker's code and its data: fetched once, when a room opens and the page is idle (or at the
 * latest when the user points at "Add reaction"), so that the first opening does not wait for
 * them. The data lands in the browser's IndexedDB, which the picker then reads; later visits only
 * check it is current.
 */
export function preloadEmojiPicker(): Promise<PickerModule> {
  loading ??= import('emoji-picker-element').then(async (m) => {
    const db = new m.Database({ dataSource, locale: 'en' })
    await db.ready()
    return m
  }).catch((e: unknown) => {
    loading = null // the next opening tries again
    throw e
  })
  return loading
}

/** preloadEmojiPicker once the page is idle (a room was opened) */
export function preloadEmojiPickerWhenIdle() {
  if (loading) return
  const go = () => { void preloadEmojiPicker().catch(() => {}) }
  if (typeof requestIdleCallback === 'function') requestIdleCallback(go, { timeout: 3000 })
  else setTimeout(go, 1000)
}

const MARGIN = 8

/** The width of a classic scrollbar here (0 where scrollbars overlay the content, as on phones). */
function scrollbarWidth(): number {
  const d = document.createElement('div')
  d.style.cssText = 'position:absolute;top:-9999px;width:100px;height:100px;overflow:scroll'
  document.body.appendChild(d)
  const w = d.offsetWidth - d.clientWidth
  d.remove()
  return w
}

/**
 * The picker in a small dialog: Escape or a click outside closes it, focus goes back to the
 * opener. It says "Loading emoji…" until its emoji are on screen, and its size comes from the
 * viewport: as many columns as fit its width (a classic scrollbar counted), so none is cut off,
 * and it stays inside the viewport, below its button or above it.
 */
export function EmojiPickerPopover(props: { anchor: HTMLElement | undefined; onPick: (emoji: string) => void; onClose: () => void }) {
  let host!: HTMLDivElement
  let slot!: HTMLDivElement
  const [ready, setReady] = createSignal(false)
  const [failed, setFailed] = createSignal(false)
  let picker: HTMLElement | null = null
  let closed = false
  onCleanup(() => { closed = true })

  const place = () => {
    const w = host.offsetWidth
    const h = host.offsetHeight
    const vw = document.documentElement.clientWidth
    const vh = window.innerHeight
    const r = props.anchor?.getBoundingClientRect()
    let top = MARGIN
    let left = Math.max(MARGIN, vw - w - MARGIN)
    if (r) {
      // below its button, else above it (the newest messages sit at the bottom), else as low as fits
      top = vh - r.bottom - 4 >= h + MARGIN ? r.bottom + 4 : r.top - 4 >= h + MARGIN ? r.top - 4 - h : vh - h - MARGIN
      left = r.right - w
    }
    host.style.top = `${Math.round(Math.max(MARGIN, Math.min(top, vh - h - MARGIN)))}px`
    host.style.left = `${Math.round(Math.max(MARGIN, Math.min(left, vw - w - MARGIN)))}px`
  }

  const load = () => {
    setFailed(false)
    preloadEmojiPicker().then(({ Picker }) => {
      if (closed) return
      const p = new Picker({ dataSource, locale: 'en' })
      // as many columns as fit the popover's width (a classic scrollbar taken off)
      const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16
      const cell = (1.375 + 2 * 0.5) * rem // the picker's --emoji-size plus twice its --emoji-padding
      const columns = Math.max(5, Math.min(9, Math.floor((slot.clientWidth - scrollbarWidth()) / cell)))
      p.style.setProperty('--num-columns', String(columns))
      p.addEventListener('emoji-click', (e) => {
        const u = e.detail.unicode
        if (u) props.onPick(rgiForm(u))
        props.onClose()
      })
      slot.appendChild(p)
      picker = p
      // "Loading emoji…" stays until the first emoji are drawn (or the picker shows a message of its own)
      const shown = () => {
        if (closed) return
        const root = p.shadowRoot
        if (root?.querySelector('[role="tabpanel"] [role="menuitem"], [role="alert"]:not(.gone)')) {
          setReady(true)
          // the search box first: type a name, arrows to move, Enter to choose
          ;(root.querySelector('input') as HTMLInputElement | null)?.focus()
        } else requestAnimationFrame(shown)
      }
      requestAnimationFrame(shown)
    }, () => { if (!closed) setFailed(true) })
  }

  onMount(() => {
    place()
    host.focus() // Escape works while it loads
    load()
    const outside = (e: MouseEvent) => { if (!host.contains(e.target as Node)) props.onClose() }
    const esc = (e: KeyboardEvent) => { if (e.key === 'Escape') { e.stopPropagation(); props.onClose() } }
    const resize = () => place()
    setTimeout(() => document.addEventListener('mousedown', outside))
    host.addEventListener('keydown', esc)
    window.addEventListener('resize', resize)
    onCleanup(() => {
      document.removeEventListener('mousedown', outside)
      window.removeEventListener('resize', resize)
      picker?.remove()
    })
  })
  return (
    <div class="emoji-popover" role="dialog" aria-label="Choose an emoji" aria-busy={!ready() && !failed()} ref={host} tabindex="-1">
      <Show when={!ready()}>
        <div class="emoji-popover-state">
          <Show when={failed()} fallback={<Loading label="Loading emoji…" />}>
            <p role="alert">The emoji could not be loaded.</p>
            <button type="button" class="btn small" onClick={load}>Try again</button>
          </Show>
        </div>
      </Show>
      <div class="emoji-slot" ref={slot} />
    </div>
  )
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
      <button type="button" class="icon-btn" ref={btn} aria-label="Add reaction" title="Add reaction" aria-expanded={open()} onClick={() => setOpen(!open())}
        onPointerEnter={() => void preloadEmojiPicker().catch(() => {})} onFocus={() => void preloadEmojiPicker().catch(() => {})}>
        <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true"><path fill="currentColor" d={SMILE} /></svg>
      </button>
      <Show when={open()}>
        <EmojiPickerPopover anchor={btn} onPick={(e) => void pick(e)} onClose={() => { setOpen(false); btn?.focus() }} />
      </Show>
    </span>
  )
}

const SMILE = 'M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 18a8 8 0 1 1 0-16 8 8 0 0 1 0 16zm-3.5-9a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zm7 0a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zM12 17.5c2.3 0 4.3-1.5 5-3.5H7c.7 2 2.7 3.5 5 3.5z'
