// A message's attachments: images as thumbnails that open in a lightbox (a modal <dialog>, Escape
// or the Close button closes it), everything else as a named download.
import { createSignal, For, Show } from 'solid-js'
import type { Msg } from './feed'
import { formatBytes, isImageType } from '../../lib/upload'

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
  const images = () => props.items.filter((a) => isImageType(a.contentType) && a.thumbnailUrl)
  const files = () => props.items.filter((a) => !(isImageType(a.contentType) && a.thumbnailUrl))
  return (
    <Show when={props.items.length}>
      <div class="attachments">
        <Show when={images().length}>
          <ul class="attachment-images" aria-label="Images">
            <For each={images()}>
              {(a) => (
                <li>
                  <button type="button" class="attachment-thumb" aria-label={`Open image ${a.name}`} onClick={(e) => show(a, e)}>
                    <img src={a.thumbnailUrl!} alt={a.name} loading="lazy" width={thumbSize(a).w} height={thumbSize(a).h} />
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

function thumbSize(a: Attachment): { w: number; h: number } {
  const w = a.width ?? 320
  const h = a.height ?? 320
  const k = Math.min(1, 320 / Math.max(w, h))
  return { w: Math.round(w * k), h: Math.round(h * k) }
}
