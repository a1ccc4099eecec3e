// Message search: a dialog opened from the room's Search button or the "/" key, searching this room
// or all of the viewer's rooms. Each hit names its room, sender (@username too) and time, with the
// matched words marked (as text nodes, never HTML); choosing one opens its room at that message.
import { createSignal, For, onCleanup, Show } from 'solid-js'
import { graphql } from '../../gql'
import type { SearchMessagesQuery } from '../../gql/graphql'
import { query } from '../../lib/client'
import { toAppError, type AppError } from '../../lib/errors'
import { navigate } from '../../lib/router'
import { me } from '../../lib/session'
import { handleOf, nameOf, roomTitle } from '../../lib/users'
import { ErrorBox, formatTime, Loading } from '../../components/ui'
import { roomById, titleOf } from '../shell/conversations'

const SearchMessages = graphql(`
  query SearchMessages($query: String!, $roomId: ID, $after: String) {
    searchMessages(query: $query, roomId: $roomId, first: 20, after: $after) {
      edges { cursor node { id seq body createdAt room { id name kind } sender { id username displayName } } }
      pageInfo { hasNextPage endCursor }
    }
  }
`)
type Hit = SearchMessagesQuery['searchMessages']['edges'][number]['node']

const WORD = /[\p{L}\p{N}_]+/gu

/** the query's words, as the server matches them: a word or a word prefix (one letter: whole words) */
function queryWords(q: string): string[] {
  return [...new Set((q.toLowerCase().match(WORD) ?? []))]
}

/** the body cut into plain and matched pieces; long bodies start a little before the first match */
export function markMatches(body: string, words: string[]): { text: string; hit: boolean }[] {
  const hits = (w: string) => words.some((q) => (q.length === 1 ? w === q : w.startsWith(q)))
  const out: { text: string; hit: boolean }[] = []
  let last = 0
  let firstHit = -1
  for (const m of body.matchAll(WORD)) {
    const at = m.index ?? 0
    if (!hits(m[0].toLowerCase())) continue
    if (firstHit < 0) firstHit = at
    if (at > last) out.push({ text: body.slice(last, at), hit: false })
    out.push({ text: m[0], hit: true })
    last = at + m[0].length
  }
  if (last < body.length) out.push({ text: body.slice(last), hit: false })
  if (firstHit > 80 && out.length && !out[0].hit) out[0] = { text: '…' + out[0].text.slice(firstHit - 60), hit: false }
  return out
}

export function createSearch() {
  const [open, setOpen] = createSignal(false)
  // the focus goes back where it was when the search closes (a chosen hit takes it instead)
  let opener: HTMLElement | null = null
  const show = () => {
    opener = document.activeElement instanceof HTMLElement ? document.activeElement : null
    setOpen(true)
  }
  const close = (restoreFocus = true) => {
    if (!open()) return
    setOpen(false)
    if (restoreFocus) queueMicrotask(() => opener?.focus())
  }
  // "/" opens the search from anywhere on the room page, except while typing
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || open()) return
    const t = e.target as HTMLElement | null
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return
    e.preventDefault()
    show()
  }
  window.addEventListener('keydown', onKey)
  onCleanup(() => window.removeEventListener('keydown', onKey))
  return { open, show, close }
}
export type SearchState = ReturnType<typeof createSearch>

export function SearchButton(props: { search: SearchState }) {
  return (
    <button type="button" class="btn small" aria-haspopup="dialog" aria-keyshortcuts="/" aria-label="Search" title="Search messages (/)" onClick={() => props.search.show()}>
      <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true"><path fill="currentColor" d="M15.5 14h-.8l-.3-.3A6.5 6.5 0 1 0 14 15.5l.3.3v.8l5 5 1.5-1.5-5-5zm-6 0a4.5 4.5 0 1 1 0-9 4.5 4.5 0 0 1 0 9z" /></svg>
      <span class="search-label">Search</span>
    </button>
  )
}

export function SearchDialog(props: { search: SearchState; room: { id: string; name: string; kind: string }; title: string }) {
  const self = me()!
  const [text, setText] = createSignal('')
  const [scope, setScope] = createSignal<'room' | 'all'>('room')
  const [hits, setHits] = createSignal<Hit[]>([])
  const [more, setMore] = createSignal<string | null>(null)
  const [busy, setBusy] = createSignal(false)
  const [error, setError] = createSignal<AppError | null>(null)
  const [searched, setSearched] = createSignal<string | null>(null)
  let dialog: HTMLDialogElement | undefined
  let input: HTMLInputElement | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  let run = 0

  async function search(after: string | null = null) {
    clearTimeout(timer)
    const q = text().trim()
    if (!queryWords(q).length) {
      setHits([]); setMore(null); setSearched(null); setError(null)
      return
    }
    const mine = ++run
    setBusy(true)
    setError(null)
    try {
      const d = await query(SearchMessages, { query: q, roomId: scope() === 'room' ? props.room.id : null, after })
      if (mine !== run) return
      const nodes = d.searchMessages.edges.map((e) => e.node)
      setHits((old) => (after ? [...old, ...nodes] : nodes))
      setMore(d.searchMessages.pageInfo.hasNextPage ? d.searchMessages.pageInfo.endCursor ?? null : null)
      setSearched(q)
    } catch (e) {
      if (mine === run) setError(toAppError(e))
    } finally {
      if (mine === run) setBusy(false)
    }
  }
  const soon = () => { clearTimeout(timer); timer = setTimeout(() => void search(), 300) }
  onCleanup(() => clearTimeout(timer))

  const choose = (h: Hit) => {
    props.search.close(false)
    navigate(`/rooms/${h.room.id}?at=${h.seq}`)
  }

  const words = () => queryWords(searched() ?? '')
  return (
    <Show when={props.search.open()}>
      <dialog
        class="search-dialog"
        aria-labelledby="search-title"
        ref={(el) => { dialog = el; queueMicrotask(() => { if (!el.open) el.showModal(); input?.focus(); input?.select() }) }}
        onClose={() => props.search.close()}
        onClick={(e) => { if (e.target === dialog) props.search.close() }}
      >
        <div class="search-head">
          <h2 id="search-title">Search messages</h2>
          <button type="button" class="icon-btn" aria-label="Close search" onClick={() => props.search.close()}>×</button>
        </div>
        <form class="search-form" role="search" onSubmit={(e) => { e.preventDefault(); void search() }}>
          <label class="field">
            <span>Search for</span>
            <input ref={input} type="search" value={text()} autocomplete="off" maxLength={200} onInput={(e) => { setText(e.currentTarget.value); soon() }}
              // Escape closes the dialog at once, as in the quick switcher (a search box would clear itself first)
              onKeyDown={(e) => { if (e.key === 'Escape') { e.preventDefault(); props.search.close() } }} />
          </label>
          <fieldset class="search-scope">
            <legend class="sr-only">Where</legend>
            <label><input type="radio" name="search-scope" checked={scope() === 'room'} onChange={() => { setScope('room'); void search() }} /> In {props.title}</label>
            <label><input type="radio" name="search-scope" checked={scope() === 'all'} onChange={() => { setScope('all'); void search() }} /> In all my rooms</label>
          </fieldset>
        </form>
        <Show when={error()}><ErrorBox error={error()} retry={() => void search()} /></Show>
        <Show when={busy() && !hits().length}><Loading label="Searching…" /></Show>
        <Show when={searched() !== null && !busy() && !error() && !hits().length}>
          <p class="muted" role="status">No messages match “{searched()}”.</p>
        </Show>
        <Show when={hits().length}>
          <p class="sr-only" role="status">{hits().length}{more() ? ' or more' : ''} {hits().length === 1 && !more() ? 'message' : 'messages'} found</p>
          <ol class="search-results" aria-label="Search results">
            <For each={hits()}>
              {(h) => (
                <li>
                  <button type="button" class="search-hit" onClick={() => choose(h)}>
                    <span class="hit-meta">
                      <span class="hit-room">{(() => { const known = roomById(h.room.id); return known ? titleOf(known) : roomTitle(h.room, self.username) })()}</span>
                      <span class="sender">{nameOf(h.sender)}</span>
                      <Show when={handleOf(h.sender)}>{(handle) => <span class="sender-handle muted small">@{handle()}</span>}</Show>
                      <time class="muted small" datetime={h.createdAt}>{formatTime(h.createdAt)}</time>
                    </span>
                    <span class="hit-body">
                      <For each={markMatches(h.body, words())}>{(p) => (p.hit ? <mark>{p.text}</mark> : p.text)}</For>
                    </span>
                  </button>
                </li>
              )}
            </For>
          </ol>
          <Show when={more()}>
            <button type="button" class="btn small" aria-disabled={busy()} onClick={() => { if (!busy()) void search(more()) }}>{busy() ? 'Loading…' : 'More results'}</button>
          </Show>
        </Show>
      </dialog>
    </Show>
  )
}
