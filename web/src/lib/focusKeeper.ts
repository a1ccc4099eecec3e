// Keeps the keyboard focus on the page when the control that had it goes away. Many actions
// remove or redraw their own button (Pause becomes Resume, Add friend becomes Cancel request, a
// room preview becomes the room); the browser then drops the focus to <body> and a keyboard or
// screen reader user starts again from the top. Installed once (main.tsx), this moves it instead:
//
// 1. to what an action asked for beforehand (focusNext: the composer after joining a room);
// 2. else into the nearest part of the page that is still there, or that was drawn again: an
//    element marked data-focus-key="person:12 …" is found again by any of its keys. Inside it, a
//    control with the lost one's name (the same button drawn again), else the first match of its
//    data-refocus selector, else its first focusable control, else itself when it has a tabindex;
// 3. else (the whole page changed) to the page's heading, else the main area.
//
// It also moves the focus to the new page's heading after a navigation (focusPage), unless the
// user has moved it meanwhile or an action asked for another control.

const TABBABLE = 'a[href], button:not(:disabled), input:not(:disabled):not([type="hidden"]), select:not(:disabled), textarea:not(:disabled), summary, [tabindex]:not([tabindex="-1"])'

let last: HTMLElement | null = null
let lastName = ''
let chain: HTMLElement[] = []
let intent: { find: () => HTMLElement | null | undefined; until: number } | null = null

function visible(el: HTMLElement): boolean {
  return el.isConnected && el.getClientRects().length > 0 && !el.closest('[inert], dialog:not([open])')
}

function nameOf(el: HTMLElement): string {
  return (el.getAttribute('aria-label') ?? el.textContent ?? '').trim()
}

function tabbables(scope: Element): HTMLElement[] {
  return [...scope.querySelectorAll<HTMLElement>(TABBABLE)].filter(visible)
}

/** the page's heading (made focusable from script only), else the main area */
function pageTarget(): HTMLElement | null {
  const main = document.getElementById('main')
  const h1 = main?.querySelector<HTMLElement>('h1') ?? document.querySelector<HTMLElement>('main h1')
  if (h1 && visible(h1)) {
    if (!h1.hasAttribute('tabindex')) h1.setAttribute('tabindex', '-1')
    return h1
  }
  return main
}

function lost(): boolean {
  const a = document.activeElement
  return (!a || a === document.body) && !!last && !visible(last)
}

function takeIntent(): HTMLElement | null {
  if (!intent) return null
  if (Date.now() > intent.until) { intent = null; return null }
  const el = intent.find()
  if (el && visible(el)) { intent = null; return el }
  return null
}

/** the first visible match of a part's data-refocus selector (a heading is made focusable) */
function preferred(scope: Element, selector: string): HTMLElement | undefined {
  if (selector === ':scope') return scope as HTMLElement
  const el = [...scope.querySelectorAll<HTMLElement>(selector)].find((x) => visible(x) && (x.matches(TABBABLE) || /^H[1-6]$/.test(x.tagName)))
  if (el && !el.matches(TABBABLE) && !el.hasAttribute('tabindex')) el.setAttribute('tabindex', '-1')
  return el
}

function findAgain(el: HTMLElement): Element | null {
  for (const key of (el.dataset.focusKey ?? '').split(/\s+/).filter(Boolean)) {
    const found = document.querySelector(`[data-focus-key~="${CSS.escape(key)}"]`)
    if (found) return found
  }
  return null
}

function restore() {
  if (!lost()) return
  const wanted = takeIntent()
  if (wanted) return wanted.focus()
  const main = document.getElementById('main')
  for (const a of chain) {
    const scope = a.isConnected ? a : findAgain(a)
    if (!scope) continue
    // the whole page went: its heading, not the first link of the new one
    if (main && (scope === main || scope.contains(main))) break
    const all = tabbables(scope)
    const pick = all.find((el) => nameOf(el) === lastName) ??
      (scope instanceof HTMLElement && scope.dataset.refocus ? preferred(scope, scope.dataset.refocus) : undefined) ??
      all[0] ??
      // a part that takes the focus itself (a message whose actions went with its delete)
      (scope instanceof HTMLElement && scope.hasAttribute('tabindex') ? scope : undefined)
    if (pick) return pick.focus()
  }
  pageTarget()?.focus({ preventScroll: true })
}

/**
 * Asks for the focus to go to this control when the one that has it goes away (or the page
 * changes) within the next seconds: the replacing control, drawn later than the action ends.
 */
export function focusNext(target: string | (() => HTMLElement | null | undefined), ms = 10_000) {
  intent = { find: typeof target === 'string' ? () => document.querySelector<HTMLElement>(target) : target, until: Date.now() + ms }
}

let pageWatch: (() => void) | null = null

/**
 * After a navigation: the focus goes to the new page's heading once it is drawn (or to what an
 * action asked for), unless the user has put it somewhere else meanwhile. Screen readers then read
 * the new page's name; the link that was followed stays where it was for the next one.
 */
export function focusPage() {
  pageWatch?.()
  const from = document.activeElement
  const untouched = () => {
    const a = document.activeElement
    return !a || a === document.body || a === from || a === document.getElementById('main') || (last !== null && a === last && !visible(last))
  }
  const tryNow = () => {
    if (!untouched()) return true // the user (or the page, revealing a message) moved it: leave it
    const wanted = takeIntent()
    if (wanted) { wanted.focus(); return true }
    // the new page is still loading: wait for its heading
    const main = document.getElementById('main')
    if (main?.querySelector('.loading') && !main.querySelector('h1')) return false
    const t = pageTarget()
    if (!t) return false
    t.focus({ preventScroll: true })
    return true
  }
  queueMicrotask(() => {
    if (tryNow()) return
    const obs = new MutationObserver(() => { if (tryNow()) stop() })
    const timer = setTimeout(() => stop(), 10_000)
    const stop = () => { obs.disconnect(); clearTimeout(timer); if (pageWatch === stop) pageWatch = null }
    pageWatch = stop
    obs.observe(document.body, { childList: true, subtree: true })
  })
}

export function installFocusKeeper() {
  document.addEventListener('focusin', (e) => {
    const t = e.target
    if (!(t instanceof HTMLElement)) return
    last = t
    lastName = nameOf(t)
    chain = []
    for (let el = t.parentElement; el && el !== document.body; el = el.parentElement) chain.push(el)
  })
  // a removed element fires no blur in every browser: watch the document instead. The focus
  // moves in a task of its own: a key's keydown that removed the control is followed by its
  // keypress, which would otherwise press the control the focus was just moved to.
  let pending = false
  new MutationObserver(() => {
    if (pending || !lost()) return
    pending = true
    setTimeout(() => { pending = false; restore() }, 0)
  }).observe(document.body, { childList: true, subtree: true })
  // a closed dialog, or a control hidden by its own action
  document.addEventListener('focusout', (e) => { if (!e.relatedTarget) setTimeout(() => { if (lost()) restore() }, 0) })
}
