// Ctrl+K (Cmd+K on macOS), or a button: a dialog to jump to any of the user's rooms or friends by typing.
// The input is a combobox over a listbox of matches: arrow keys move, Enter opens, Escape closes.
// A native modal <dialog> keeps the rest of the page inert; Tab stays on the input, and the focus
// goes back where it was when the dialog closes.
import { createEffect, createMemo, createResource, createSignal, For, on, onCleanup, onMount, Show } from 'solid-js'
import { graphql } from '../../gql'
import { mutate, query } from '../../lib/client'
import { navigate } from '../../lib/router'
import { nameOf } from '../../lib/users'
import { ErrorBox, latestOf } from '../../components/ui'
import { me } from '../../lib/session'
import { peerOf, sortedRooms, titleOf, unreadOf } from './conversations'

const SwitcherFriends = graphql(`
  query SwitcherFriends { friends { id username displayName } }
`)
const SwitcherOpenDirect = graphql(`
  mutation SwitcherOpenDirect($userId: ID!) { openDirectRoom(userId: $userId) { id } }
`)

const isMac = () => typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent)
export const shortcutText = () => (isMac() ? '⌘K' : 'Ctrl+K')

// Keyboard hints (the shortcut, "↑ ↓ to move") only where a keyboard is likely: not on a touch
// screen (a coarse pointer) nor in the phone layout. There the switcher opens from its buttons
// (the top bar's on a phone, "Jump to…" on the Rooms tab).
const noKeyboard = typeof matchMedia === 'function' ? matchMedia('(pointer: coarse), (max-width: 760px)') : null
const [keyboardLikely, setKeyboardLikely] = createSignal(!noKeyboard?.matches)
noKeyboard?.addEventListener('change', (e) => setKeyboardLikely(!e.matches))
export { keyboardLikely }

const [isOpen, setOpen] = createSignal(false)
export function openSwitcher() { setOpen(true) }

interface Item { key: string; label: string; hint: string; search: string; go: () => Promise<void> | void }

export function QuickSwitcher() {
  let dialog: HTMLDialogElement | undefined
  let input: HTMLInputElement | undefined
  let returnTo: Element | null = null
  const [text, setText] = createSignal('')
  const [active, setActive] = createSignal(0)
  const [error, setError] = createSignal<unknown>(null)
  const [friends] = createResource(isOpen, (o) => (o ? query(SwitcherFriends, {}).then((d) => d.friends) : Promise.resolve([])))

  const items = createMemo<Item[]>(() => {
    const rooms = sortedRooms()
    const fr = latestOf(friends) ?? []
    const friendNames = new Set(fr.map((f) => f.username.toLowerCase()))
    const out: Item[] = []
    for (const r of rooms) {
      const title = titleOf(r)
      // a friend's direct room is listed as the friend
      const peer = peerOf(r)
      if (r.kind === 'DIRECT' && (peer ? friendNames.has(peer.username.toLowerCase()) : r.name.split(', ').every((n) => friendNames.has(n.toLowerCase()) || n.toLowerCase() === me()?.username.toLowerCase()))) continue
      const unread = unreadOf(r)
      out.push({ key: `r:${r.id}`, label: title, hint: `${r.kind === 'DIRECT' ? 'Direct messages' : 'Room'}${unread ? ` · ${unread} unread` : ''}`, search: `${r.name} ${title} ${peer ? `@${peer.username}` : ''}`.toLowerCase(), go: () => navigate(`/rooms/${r.id}`) })
    }
    for (const f of fr) {
      out.push({
        key: `f:${f.id}`, label: `${nameOf(f)} @${f.username}`, hint: 'Friend · direct messages', search: `${nameOf(f)} ${f.username} @${f.username}`.toLowerCase(),
        go: async () => navigate(`/rooms/${(await mutate(SwitcherOpenDirect, { userId: f.id })).openDirectRoom.id}`),
      })
    }
    return out
  })
  const matches = createMemo(() => {
    const q = text().trim().toLowerCase()
    if (!q) return items().slice(0, 30)
    const starts = (s: string) => s.split(/[\s@,]+/).some((w) => w.startsWith(q))
    return items().filter((i) => i.search.includes(q)).sort((a, b) => Number(starts(b.search)) - Number(starts(a.search))).slice(0, 30)
  })

  const show = () => {
    if (!dialog || dialog.open) return
    returnTo = document.activeElement
    setText('')
    setActive(0)
    setError(null)
    dialog.showModal()
    input?.focus()
  }
  const hide = () => {
    setOpen(false)
    if (dialog?.open) dialog.close()
  }
  const onClosed = () => {
    setOpen(false)
    if (returnTo instanceof HTMLElement && returnTo.isConnected) returnTo.focus()
    returnTo = null
  }
  const choose = async (i: Item | undefined) => {
    if (!i) return
    try {
      await i.go()
      returnTo = null // the page changed: the main area takes the focus
      hide()
      queueMicrotask(() => document.getElementById('main')?.focus({ preventScroll: true }))
    } catch (e) {
      setError(e)
    }
  }

  onMount(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'k') {
        e.preventDefault()
        if (isOpen()) hide()
        else setOpen(true)
      }
    }
    window.addEventListener('keydown', onKey)
    onCleanup(() => window.removeEventListener('keydown', onKey))
  })
  // the signal opens it, whoever set it (the shortcut or the sidebar's button)
  createEffect(on(isOpen, (o) => { if (o) queueMicrotask(show) }))

  const optionId = (i: number) => `qs-option-${i}`
  const onKeyDown = (e: KeyboardEvent) => {
    const n = matches().length
    if (e.key === 'ArrowDown') { e.preventDefault(); if (n) setActive((active() + 1) % n) }
    else if (e.key === 'ArrowUp') { e.preventDefault(); if (n) setActive((active() - 1 + n) % n) }
    else if (e.key === 'Home' && e.ctrlKey) { e.preventDefault(); setActive(0) }
    else if (e.key === 'Enter') { e.preventDefault(); void choose(matches()[active()]) }
    else if (e.key === 'Tab') { e.preventDefault(); input?.focus() } // the focus stays in the dialog
  }
  // keep the active option in view
  const scrollActive = () => queueMicrotask(() => document.getElementById(optionId(active()))?.scrollIntoView({ block: 'nearest' }))

  return (
    <dialog ref={dialog} class="switcher" aria-labelledby="qs-title" onClose={onClosed} onCancel={() => setOpen(false)}
      onClick={(e) => { if (e.target === dialog) hide() }} onKeyDown={onKeyDown}>
      <div class="switcher-inner">
        <h2 id="qs-title" class="sr-only">Jump to a room or friend</h2>
        <input ref={input} type="text" role="combobox" aria-label="Jump to a room or friend" aria-expanded="true" aria-controls="qs-list" aria-autocomplete="list"
          aria-activedescendant={matches().length ? optionId(active()) : undefined} placeholder="Jump to a room or friend…" autocomplete="off" spellcheck={false}
          value={text()} onInput={(e) => { setText(e.currentTarget.value); setActive(0) }} />
        <ul id="qs-list" role="listbox" aria-label="Matches" class="switcher-list">
          <For each={matches()}>
            {(item, i) => (
              <li id={optionId(i())} role="option" aria-selected={i() === active()} class={i() === active() ? 'active' : ''}
                onMouseMove={() => { if (active() !== i()) setActive(i()) }} onClick={() => void choose(item)} ref={() => { if (i() === active()) scrollActive() }}>
                <span class="switcher-label">{item.label}</span>
                <span class="muted small">{item.hint}</span>
              </li>
            )}
          </For>
        </ul>
        <Show when={!matches().length}><p class="muted small switcher-empty" role="status">{friends.loading ? 'Loading…' : 'Nothing matches.'}</p></Show>
        <Show when={error()}><ErrorBox error={error()} /></Show>
        <Show when={keyboardLikely()}><p class="muted small switcher-help" aria-hidden="true">↑ ↓ to move · Enter to open · Esc to close</p></Show>
      </div>
    </dialog>
  )
}
