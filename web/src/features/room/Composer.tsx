// The message composer: Enter sends, Shift+Enter starts a new line (inside a ``` code fence too:
// the text is sent exactly as typed, Markdown and all), "@par" offers matching members to
// complete, and a reply shows what it answers (Escape or Cancel drops the reply). Files come from
// the "Attach files" button, drag and drop onto the composer, or paste; each uploads at once with
// its progress shown, a failed one can be retried, and Send waits until every file is uploaded.
// Text typed and not sent stays with the room (drafts.ts) when another room is opened.
import { PaperclipIcon } from '../shell/icons'
import { createSignal, For, onCleanup, Show } from 'solid-js'
import { createStore, produce } from 'solid-js/store'
import { toast } from '../../components/ui'
import { toAppError } from '../../lib/errors'
import { nameOf } from '../../lib/users'
import { formatBytes, type UploadHandle, type Uploaded, uploadFile } from '../../lib/upload'
import type { Msg } from './feed'
import { firstLine } from './MessageBody'
import { draftOf, keepDraft } from './drafts'

const MAX_FILES = 10

interface Pending { key: number; file: Blob; name: string; progress: number; status: 'uploading' | 'done' | 'failed'; result?: Uploaded; error?: string }

export function Composer(props: { roomId: string; userId: string; roomName: string; people: { username: string; displayName: string }[]; onSend: (body: string, attachments: Uploaded[]) => void; onTyping: () => void; replyTo: Msg | null; onCancelReply: () => void; disabled?: boolean }) {
  const [text, setTextSignal] = createSignal(draftOf(props.userId, props.roomId))
  const setText = (v: string) => { setTextSignal(v); keepDraft(props.userId, props.roomId, v) }
  const [files, setFiles] = createStore<Pending[]>([])
  const [dragging, setDragging] = createSignal(false)
  const handles = new Map<number, UploadHandle>()
  let nextKey = 1
  let fileInput: HTMLInputElement | undefined
  onCleanup(() => { for (const h of handles.values()) h.abort() })

  const start = (key: number) => {
    const item = files.find((f) => f.key === key)
    if (!item) return
    setFiles((f) => f.key === key, produce((f: Pending) => { f.status = 'uploading'; f.progress = 0; f.error = undefined }))
    const h = uploadFile(item.file, item.name, (p) => setFiles((f) => f.key === key, 'progress', p))
    handles.set(key, h)
    h.done.then(
      (result) => setFiles((f) => f.key === key, produce((f: Pending) => { f.status = 'done'; f.result = result; f.progress = 1 })),
      (e) => setFiles((f) => f.key === key, produce((f: Pending) => { f.status = 'failed'; f.error = toAppError(e).message })),
    ).finally(() => handles.delete(key))
  }
  const addFiles = (list: Iterable<File>) => {
    for (const file of list) {
      if (files.length >= MAX_FILES) { toast(`At most ${MAX_FILES} files per message.`, { kind: 'error' }); break }
      const key = nextKey++
      const name = file.name || `pasted-${new Date().toISOString().replace(/[:.]/g, '-')}.${(file.type.split('/')[1] ?? 'bin').replace(/[^a-z0-9]/gi, '')}`
      setFiles((l) => [...l, { key, file, name, progress: 0, status: 'uploading' }])
      start(key)
    }
  }
  const removeFile = (key: number) => {
    handles.get(key)?.abort()
    setFiles((l) => l.filter((f) => f.key !== key))
  }
  const uploading = () => files.some((f) => f.status === 'uploading')
  const ready = () => files.filter((f) => f.status === 'done').map((f) => f.result!)
  const canSend = () => !uploading() && !files.some((f) => f.status === 'failed') && (!!text().trim() || ready().length > 0)
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
    if (!canSend() || props.disabled) return
    if ([...body].length > 4000) {
      toast('Messages can be at most 4000 characters.', { kind: 'error' })
      return
    }
    props.onSend(body, ready())
    setFiles([])
    setText('')
    setMention(null)
    ta?.focus()
  }
  return (
    <form
      class={`composer ${dragging() ? 'dragging' : ''}`}
      onSubmit={(e) => { e.preventDefault(); submit() }}
      onDragOver={(e) => { if (e.dataTransfer?.types.includes('Files')) { e.preventDefault(); setDragging(true) } }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        setDragging(false)
        if (!e.dataTransfer?.files.length) return
        e.preventDefault()
        addFiles(e.dataTransfer.files)
      }}
    >
      <Show when={props.replyTo}>
        {(r) => (
          <div class="replying" role="status">
            <span>Replying to <strong>{nameOf(r().sender)}</strong>: <span class="muted">{firstLine(r().body)}</span></span>
            <button type="button" class="btn small" aria-label="Cancel reply" onClick={() => { props.onCancelReply(); ta?.focus() }}>Cancel</button>
          </div>
        )}
      </Show>
      <Show when={files.length}>
        <ul class="composer-files" aria-label="Files to send">
          <For each={files}>
            {(f) => (
              <li class={`composer-file ${f.status}`}>
                <span class="attachment-name">{f.name}</span> <span class="muted small">{formatBytes(f.file.size)}</span>
                <Show when={f.status === 'uploading'}>
                  <progress max="1" value={f.progress} aria-label={`Uploading ${f.name}`} />
                </Show>
                <Show when={f.status === 'done'}><span class="muted small">Ready</span></Show>
                <Show when={f.status === 'failed'}>
                  <span class="field-error small" role="alert">Upload failed: {f.error}</span>
                  <button type="button" class="btn small" onClick={() => start(f.key)} aria-label={`Retry uploading ${f.name}`}>Retry</button>
                </Show>
                <button type="button" class="btn small" onClick={() => removeFile(f.key)} aria-label={`Remove ${f.name}`}>✕</button>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <input
        ref={fileInput}
        type="file"
        multiple
        class="sr-only"
        id="composer-files"
        tabindex="-1"
        aria-hidden="true"
        onChange={(e) => { const l = e.currentTarget.files; if (l) addFiles([...l]); e.currentTarget.value = '' }}
      />
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
          disabled={props.disabled}
          rows={1}
          placeholder={`Message ${props.roomName}`}
          value={text()}
          aria-autocomplete="list"
          aria-controls={suggestions().length ? 'mention-list' : undefined}
          aria-activedescendant={suggestions().length ? `mention-${active()}` : undefined}
          onInput={(e) => { setText(e.currentTarget.value); updateQuery(); props.onTyping() }}
          onBlur={() => setMention(null)}
          onPaste={(e) => {
            const pasted = [...(e.clipboardData?.files ?? [])]
            if (!pasted.length) return
            e.preventDefault()
            addFiles(pasted)
          }}
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
      <button type="button" class="btn attach" aria-label="Attach files" title="Attach files" disabled={props.disabled} onClick={() => fileInput?.click()}><PaperclipIcon size={18} /></button>
      <button type="submit" class="btn primary" disabled={!canSend() || props.disabled}>{uploading() ? 'Uploading…' : 'Send'}</button>
    </form>
  )
}
