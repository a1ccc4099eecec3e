// A message's attachments: images as thumbnails that open in a lightbox (a modal <dialog>, Escape
// or the Close button closes it), everything else as a named download.
import { createSignal, For, Show } from 'solid-js'
import type { Msg } from './feed'
import { formatBytes } from '../../lib/upload'

type Attachment = Msg['attachments'][number]

export function MessageAttachments(props: { items: Attachment[] }) {
  const [open, setOpen] = createSignal<Attachment | null>(null)
  let dialog: HTMLDialogElement | undefined
  let opener: HTMLElement | null = null
  const show = (a: Attachment, e: MouseEvent) => {
    opener = e.currentTarget as HTMLElement
    setOpen(a)
    dialog?.showModal()
  }
  // only PNG, JPEG, GIF and WebP uploads have a thumbnail (the page of messages selects few
  // attachment fields: the query cost estimate counts ten per message)
  const images = () => props.items.filter((a) => a.thumbnailUrl)
  const files = () => props.items.filter((a) => !a.thumbnailUrl)
  return (
    <Show when={props.items.length}>
      <div class="attachments">
        <Show when={images().length}>
          <ul class="attachment-images" aria-label="Images">
            <For each={images()}>
              {(a) => (
                <li>
                  <button type="button" class="attachment-thumb" aria-label={`Open image ${a.name}`} onClick={(e) => show(a, e)}>
                    <img src={a.thumbnailUrl!} alt={a.name} loading="lazy" />
                  </button>
                </li>
              )}
            </For>
          </ul>
        </Show>
        <Show when={files().length}>
          <ul class="attachment-files" aria-label="Files">
            <For each={files()}>
              {(a) => (
                <li>
                  <a class="attachment-file" href={a.url} download={a.name}>
                    <span aria-hidden="true">📄</span> <span class="attachment-name">{a.name}</span> <span class="muted small">{formatBytes(a.size)}</span>
                  </a>
                </li>
              )}
            </For>
          </ul>
        </Show>
        <dialog
          ref={dialog}
          class="lightbox"
          aria-label={open() ? `Image ${open()!.name}` : 'Image'}
          onClose={() => { setOpen(null); opener?.focus() }}
          onClick={(e) => { if (e.target === dialog) dialog?.close() }}
        >
          <Show when={open()}>
            {(a) => (
              <figure>
                <img src={a().url} alt={a().name} />
                <figcaption>
                  <span>{a().name}</span>
                  <a class="btn small" href={a().url} download={a().name}>Download</a>
                  <button type="button" class="btn small" autofocus onClick={() => dialog?.close()}>Close</button>
                </figcaption>
              </figure>
            )}
          </Show>
        </dialog>
      </div>
    </Show>
  )
}
