// A modal confirm on the native <dialog>: the browser traps the focus inside, Cancel (the safe
// choice) has the focus first, Escape cancels, and the focus goes back to the control that opened
// it when it closes. Open it by rendering it with `open`.
import { createEffect, createUniqueId, onCleanup, Show, type JSX } from 'solid-js'
import { ErrorBox } from './ui'

export function ConfirmDialog(props: {
  open: boolean
  title: string
  children?: JSX.Element
  confirmLabel: string
  danger?: boolean
  busy?: boolean
  error?: unknown
  onConfirm: () => void
  onCancel: () => void
}) {
  const titleId = `confirm-${createUniqueId()}`
  let dialog: HTMLDialogElement | undefined
  let cancelBtn: HTMLButtonElement | undefined
  let opener: HTMLElement | null = null
  const giveBack = () => {
    const el = opener
    opener = null
    if (el?.isConnected) queueMicrotask(() => el.focus())
  }
  createEffect(() => {
    const open = props.open
    if (!dialog) return
    if (open && !dialog.open) {
      opener = document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : null
      dialog.showModal()
      // the safe choice has the focus: Enter on an accidental open does nothing destructive
      queueMicrotask(() => cancelBtn?.focus())
    } else if (!open && dialog.open) {
      dialog.close()
      giveBack()
    }
  })
  onCleanup(() => { if (dialog?.open) dialog.close() })
  return (
    <dialog ref={dialog} class="confirm-dialog" aria-labelledby={titleId} onCancel={(e) => { e.preventDefault(); props.onCancel() }}>
      <h2 id={titleId}>{props.title}</h2>
      <div class="confirm-body">{props.children}</div>
      <Show when={props.error}>
        <ErrorBox error={props.error} />
      </Show>
      <div class="row confirm-actions">
        <button type="button" class="btn" ref={cancelBtn} onClick={() => props.onCancel()}>Cancel</button>
        <button type="button" class={`btn ${props.danger ? 'danger' : 'primary'}`} aria-disabled={!!props.busy} onClick={() => { if (!props.busy) props.onConfirm() }}>{props.confirmLabel}</button>
      </div>
    </dialog>
  )
}
