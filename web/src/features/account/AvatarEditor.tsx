// The profile picture: choose an image, frame a square of it (zoom and position, previewed on a
// canvas), then upload the square and set it as the avatar; or remove the avatar.
import { createEffect, createSignal, onCleanup, Show } from 'solid-js'
import { graphql } from '../../gql'
import { mutate } from '../../lib/client'
import { me, updateMe } from '../../lib/session'
import { uploadFile } from '../../lib/upload'
import { ErrorBox, toast } from '../../components/ui'

const SetAvatar = graphql(`
  mutation SetAvatar($attachmentId: ID) {
    setAvatar(attachmentId: $attachmentId) { ...MeFields }
  }
`)

const SIZE = 512

export function AvatarEditor() {
  const [image, setImage] = createSignal<HTMLImageElement | null>(null)
  const [zoom, setZoom] = createSignal(1)
  const [x, setX] = createSignal(50)
  const [y, setY] = createSignal(50)
  const [progress, setProgress] = createSignal<number | null>(null)
  const [error, setError] = createSignal<unknown>(null)
  let canvas: HTMLCanvasElement | undefined
  let objectUrl: string | null = null
  const dropUrl = () => { if (objectUrl) URL.revokeObjectURL(objectUrl); objectUrl = null }
  onCleanup(dropUrl)

  const choose = (file: File | undefined) => {
    setError(null)
    if (!file) return
    if (!/^image\/(png|jpeg|gif|webp)$/.test(file.type)) { setError(new Error('Choose a PNG, JPEG, GIF or WebP image.')); return }
    dropUrl()
    objectUrl = URL.createObjectURL(file)
    const img = new Image()
    img.onload = () => { setZoom(1); setX(50); setY(50); setImage(img) }
    img.onerror = () => setError(new Error('That image could not be read.'))
    img.src = objectUrl
  }

  // the square: the largest one the zoom allows, placed by the two sliders
  createEffect(() => {
    const img = image()
    if (!img || !canvas) return
    const side = Math.min(img.naturalWidth, img.naturalHeight) / zoom()
    const sx = (img.naturalWidth - side) * (x() / 100)
    const sy = (img.naturalHeight - side) * (y() / 100)
    const ctx = canvas.getContext('2d')!
    ctx.clearRect(0, 0, SIZE, SIZE)
    ctx.drawImage(img, sx, sy, side, side, 0, 0, SIZE, SIZE)
  })

  const save = async () => {
    if (!canvas || progress() !== null) return
    setError(null)
    setProgress(0)
    try {
      const blob = await new Promise<Blob>((resolve, reject) => canvas!.toBlob((b) => (b ? resolve(b) : reject(new Error('The picture could not be made'))), 'image/png'))
      const up = await uploadFile(blob, 'avatar.png', setProgress).done
      const d = await mutate(SetAvatar, { attachmentId: up.id })
      updateMe(d.setAvatar)
      setImage(null)
      dropUrl()
      toast('Picture saved')
    } catch (e) {
      setError(e)
    } finally {
      setProgress(null)
    }
  }

  const remove = async () => {
    setError(null)
    try {
      const d = await mutate(SetAvatar, { attachmentId: null })
      updateMe(d.setAvatar)
      toast('Picture removed')
    } catch (e) {
      setError(e)
    }
  }

  return (
    <section class="card stack avatar-editor" aria-labelledby="avatar-heading">
      <h2 id="avatar-heading">Picture</h2>
      <div class="row wrap">
        <label class="btn">
          Choose a picture
          <input type="file" class="sr-only" accept="image/png,image/jpeg,image/gif,image/webp" onChange={(e) => { choose(e.currentTarget.files?.[0]); e.currentTarget.value = '' }} />
        </label>
        <Show when={me()?.avatarUrl && !image()}>
          <button type="button" class="btn" onClick={() => void remove()}>Remove picture</button>
        </Show>
      </div>
      <Show when={image()}>
        <div class="row wrap avatar-crop">
          <canvas ref={canvas} width={SIZE} height={SIZE} class="avatar-preview" role="img" aria-label="Preview of your picture" />
          <div class="stack">
            <label class="field"><span>Zoom</span><input type="range" min="1" max="4" step="0.05" value={zoom()} onInput={(e) => setZoom(Number(e.currentTarget.value))} /></label>
            <label class="field"><span>Left – right</span><input type="range" min="0" max="100" value={x()} onInput={(e) => setX(Number(e.currentTarget.value))} /></label>
            <label class="field"><span>Top – bottom</span><input type="range" min="0" max="100" value={y()} onInput={(e) => setY(Number(e.currentTarget.value))} /></label>
            <div class="row">
              <button type="button" class="btn primary" aria-disabled={progress() !== null} onClick={() => void save()}>{progress() !== null ? 'Saving…' : 'Use this picture'}</button>
              <button type="button" class="btn" aria-disabled={progress() !== null} onClick={() => { if (progress() === null) { setImage(null); dropUrl() } }}>Cancel</button>
            </div>
            <Show when={progress() !== null}><progress max="1" value={progress()!} aria-label="Uploading your picture" /></Show>
          </div>
        </div>
      </Show>
      <Show when={error()}><ErrorBox error={error()} /></Show>
    </section>
  )
}
