// A small disclosure menu: a button that opens a list of actions below it. Arrow keys move between
// the items, Escape closes and gives the focus back to the button, a click outside closes it.
import { createSignal, onCleanup, Show, type JSX } from 'solid-js'

export function Menu(props: { label: string; buttonText: JSX.Element; class?: string; children: (close: () => void) => JSX.Element }) {
  const [open, setOpen] = createSignal(false)
  let root: HTMLDivElement | undefined
  let button: HTMLButtonElement | undefined
  // the items on screen: a button hidden by the layout (the room menu's invite link is for phones
  // only) is no stop for the arrow keys, and focusing it left the focus on the menu's button
  const items = () => [...(root?.querySelectorAll<HTMLButtonElement>('.menu-list button:not(:disabled, [aria-disabled="true"])') ?? [])]
    .filter((b) => b.getClientRects().length > 0 && getComputedStyle(b).visibility !== 'hidden')
  const close = (refocus = true) => { setOpen(false); if (refocus) button?.focus() }
  const onDoc = (e: MouseEvent) => { if (open() && root && !root.contains(e.target as Node)) close(false) }
  document.addEventListener('mousedown', onDoc)
  onCleanup(() => document.removeEventListener('mousedown', onDoc))
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && open()) { e.stopPropagation(); close() }
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      const l = items()
      if (!l.length) return
      e.preventDefault()
      const i = l.indexOf(document.activeElement as HTMLButtonElement)
      l[(i + (e.key === 'ArrowDown' ? 1 : -1) + l.length) % l.length].focus()
    }
  }
  return (
    <div class={`menu ${props.class ?? ''}`} ref={root} onKeyDown={onKey}>
      <button type="button" class="btn small" ref={button} aria-haspopup="true" aria-expanded={open()} aria-label={props.label}
        onClick={() => { setOpen(!open()); if (open()) queueMicrotask(() => items()[0]?.focus()) }}>
        {props.buttonText}
      </button>
      <Show when={open()}>
        <div class="menu-list" role="group" aria-label={props.label}>
          {/* an item that opens a dialog: the focus waits on the menu's button, and comes back to it */}
          {props.children(() => close())}
        </div>
      </Show>
    </div>
  )
}
