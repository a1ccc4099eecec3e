import { createSignal, For, type JSX, Match, type Resource, Show, splitProps, Switch } from 'solid-js'
import { connState } from '../lib/client'
import { toAppError } from '../lib/errors'

export function Loading(props: { label?: string }) {
  return (
    <p class="loading" role="status">
      <span class="spinner" aria-hidden="true" /> {props.label ?? 'Loading…'}
    </p>
  )
}

export function ErrorBox(props: { error: unknown; retry?: () => void }) {
  return (
    <div class="error-box" role="alert">
      <span>{toAppError(props.error).message}</span>
      <Show when={props.retry}>
        <button type="button" class="btn small" onClick={() => props.retry?.()}>Try again</button>
      </Show>
    </div>
  )
}

/**
 * A resource's latest value, or undefined while its last fetch failed: reading `latest` then
 * throws, and inside an effect that is an uncaught error in the page (a refetch after a
 * reconnect, while the network was still away, did it).
 */
export function latestOf<T>(r: Resource<T>): T | undefined {
  return r.state === 'errored' ? undefined : r.latest
}

/** Loading, error with retry, then the data: every request shows all three states. */
export function Async<T>(props: { resource: Resource<T>; refetch?: () => void; label?: string; children: (data: T) => JSX.Element }) {
  return (
    <Switch>
      <Match when={props.resource.error}>
        <ErrorBox error={props.resource.error} retry={props.refetch} />
      </Match>
      <Match when={props.resource.latest === undefined}>
        <Loading label={props.label} />
      </Match>
      <Match when={props.resource.latest !== undefined}>{props.children(props.resource.latest as T)}</Match>
    </Switch>
  )
}

function hue(s: string): number {
  let h = 0
  for (const c of s) h = (h * 31 + c.codePointAt(0)!) % 360
  return h
}

export function Avatar(props: { name: string; id: string; size?: number; url?: string | null }) {
  const initials = () => {
    const parts = props.name.trim().split(/\s+/).filter(Boolean)
    const s = parts.length > 1 ? [...parts[0]][0] + [...parts[1]][0] : [...(parts[0] ?? '?')].slice(0, 2).join('')
    return s.toUpperCase()
  }
  return (
    <span class="avatar" aria-hidden="true" style={{ '--h': String(hue(props.id)), '--s': `${props.size ?? 32}px` }}>
      <Show when={props.url} fallback={initials()}>
        {(src) => <img class="avatar-img" src={src()} alt="" width={props.size ?? 32} height={props.size ?? 32} />}
      </Show>
    </span>
  )
}

export type Presence = 'ONLINE' | 'AWAY' | 'OFFLINE'

export function PresenceDot(props: { status: Presence }) {
  // while the socket is down presence cannot be heard: the dots are greyed and say so
  const stale = () => connState() === 'reconnecting' || connState() === 'offline'
  const label = () => ({ ONLINE: 'online', AWAY: 'away', OFFLINE: 'offline' })[props.status] + (stale() ? ' (not up to date while reconnecting)' : '')
  return <span class={`dot ${props.status.toLowerCase()} ${stale() ? 'stale' : ''}`} role="img" aria-label={label()} title={label()} />
}

export function formatTime(iso: string): string {
  const d = new Date(iso)
  const now = new Date()
  const sameDay = d.toDateString() === now.toDateString()
  return sameDay
    ? d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })
}

/** A calendar date ("3 Dec 2026"): for when something began, where a time of day says nothing. */
export function formatDate(iso: string): string {
  return new Date(iso).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' })
}

// --- toasts: short notices that also reach screen readers through a polite live region
// key: what the notice is about, so that it can go when that is no longer true (dismissToasts)
interface Toast { id: number; text: string; kind: 'info' | 'error'; action?: { label: string; run: () => void }; key?: string }
const [toasts, setToasts] = createSignal<Toast[]>([])
let toastSeq = 0

export function toast(text: string, opts: { kind?: 'info' | 'error'; action?: Toast['action']; ms?: number; key?: string } = {}) {
  const t: Toast = { id: ++toastSeq, text, kind: opts.kind ?? 'info', action: opts.action, key: opts.key }
  setToasts((l) => [...l.slice(-4), t])
  // a toast with an action (Undo, Open…) stays long enough to reach it, with the keyboard too
  setTimeout(() => dismiss(t.id), opts.ms ?? (opts.action ? 15_000 : 6000))
}

function dismiss(id: number) {
  setToasts((l) => l.filter((t) => t.id !== id))
}

/** takes down the notices whose key matches: what they said is no longer so */
export function dismissToasts(match: (key: string) => boolean) {
  setToasts((l) => l.filter((t) => t.key === undefined || !match(t.key)))
}

export function Toasts() {
  return (
    <div class="toasts" role="status" aria-live="polite">
      <For each={toasts()}>
        {(t) => (
          <div class={`toast ${t.kind}`}>
            <span>{t.text}</span>
            <Show when={t.action}>
              {(a) => (
                <button type="button" class="btn small" onClick={() => { a().run(); dismiss(t.id) }}>
                  {a().label}
                </button>
              )}
            </Show>
            <button type="button" class="icon-btn" aria-label="Dismiss notification" onClick={() => dismiss(t.id)}>×</button>
          </div>
        )}
      </For>
    </div>
  )
}

/**
 * Runs an async action with a busy flag and an error message: the usual shape of a form submit.
 * A run while one is in flight does nothing, so its button says it is busy with
 * `aria-disabled={x.busy()}`, never `disabled`: a disabled button loses the keyboard focus, and
 * the user was thrown to the top of the page at every click.
 */
export function useAction<A extends unknown[]>(fn: (...args: A) => Promise<unknown>) {
  const [busy, setBusy] = createSignal(false)
  const [error, setError] = createSignal<unknown>(null)
  const run = async (...args: A) => {
    if (busy()) return
    setBusy(true)
    setError(null)
    try {
      await fn(...args)
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
    }
  }
  return { busy, error, run, setError }
}

/**
 * A labelled input with its hint and its error below it, both linked to it by aria-describedby:
 * a screen reader reads them with the field (an error inside the <label> was read as part of the
 * field's name, or not at all), and the field says it is invalid.
 */
export function TextField(props: JSX.InputHTMLAttributes<HTMLInputElement> & { label: string; name: string; hint?: string; error?: string | null }) {
  const [own, input] = splitProps(props, ['label', 'hint', 'error', 'id'])
  const id = () => own.id ?? `field-${props.name}`
  return (
    <div class="field">
      <label for={id()}>{own.label}</label>
      <input {...input} id={id()} aria-invalid={!!own.error}
        aria-describedby={[own.error ? `${id()}-error` : null, own.hint ? `${id()}-hint` : null].filter(Boolean).join(' ') || undefined} />
      <Show when={own.hint}><small class="hint" id={`${id()}-hint`}>{own.hint}</small></Show>
      <Show when={own.error}><small class="field-error" id={`${id()}-error`}>{own.error}</small></Show>
    </div>
  )
}

/**
 * After a failed submit: the focus goes to the first field marked invalid, and a screen reader
 * reads its error with it (aria-describedby). An error about no one field is in the form's error
 * box, a role=alert region, read as it appears.
 */
export function focusFirstInvalid(form: HTMLElement | undefined) {
  requestAnimationFrame(() => form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus())
}
