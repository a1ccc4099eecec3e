// The actions on a message: Reply and Add reaction (members), Pin / Unpin (owner and moderators;
// both members of a direct room), Edit (the sender), Delete (the sender or a room owner), the
// inline edit form, and the one-step confirmation before a delete.
import { createSignal, Show } from 'solid-js'
import { ErrorBox, useAction } from '../../components/ui'
import type { Feed, Msg } from './feed'
import { AddReaction } from './Reactions'
import { AppError, toAppError } from '../../lib/errors'
import { toast } from '../../components/ui'
import { nameOf } from '../../lib/users'

/** The state of one message's actions; it lives as long as the message's row. */
export function createMessageActions(props: { msg: Msg; feed: Feed; row: () => HTMLElement | undefined }) {
  const m = () => props.msg
  const [editing, setEditingSignal] = createSignal(false)
  const [draft, setDraft] = createSignal('')
  const [confirming, setConfirmingSignal] = createSignal(false)
  /**
   * The keyboard focus goes back where the action started once its form or confirmation closes
   * (the button it came from is drawn again by then), else to the message itself.
   */
  const refocus = (action: 'edit' | 'delete' | null) => requestAnimationFrame(() => {
    const row = props.row()
    if (!row || !row.isConnected) return
    const active = document.activeElement
    if (active && active !== document.body && !row.contains(active)) return // the user has moved on
    ;((action && row.querySelector<HTMLElement>(`.msg-actions [data-action="${action}"]`)) || row).focus()
  })
  const setEditing = (on: boolean) => {
    setEditingSignal(on)
    if (!on) refocus('edit')
  }
  const setConfirming = (on: boolean) => {
    setConfirmingSignal(on)
    if (!on) refocus('delete')
  }
  const save = useAction(async () => {
    const body = draft().trim()
    // an emptied message is not saved (nor silently put back): say so, and where delete is
    if (!body && !m().attachments?.length) throw new AppError('A message cannot be empty. To remove it, cancel and use Delete.', 'BAD_USER_INPUT')
    if (body === m().body) return setEditing(false)
    await props.feed.edit(m().id, body)
    setEditing(false)
  })
  const remove = useAction(async () => {
    await props.feed.remove(m().id)
    refocus(null) // the actions went with the message: the message itself
  })
  // one mis-tap must not delete (an owner sees Delete on everyone's messages): ask once, inline
  return { editing, setEditing, draft, setDraft, save, remove, confirming, setConfirming }
}
type MessageActions = ReturnType<typeof createMessageActions>

export function EditMessageForm(props: { msg: Msg; actions: MessageActions }) {
  const m = () => props.msg
  const { draft, setDraft, setEditing, save } = props.actions
  return (
    <form class="edit-form" onSubmit={(e) => { e.preventDefault(); void save.run() }}>
      <label class="sr-only" for={`edit-${m().id}`}>Edit message</label>
      <textarea id={`edit-${m().id}`} value={draft()} onInput={(e) => setDraft(e.currentTarget.value)} onKeyDown={(e) => {
        if (e.key === 'Escape') setEditing(false)
        if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); void save.run() }
      }} ref={(el) => queueMicrotask(() => el.focus())} />
      <div class="row">
        <button type="submit" class="btn small primary" aria-disabled={save.busy()}>Save</button>
        <button type="button" class="btn small" onClick={() => setEditing(false)}>Cancel</button>
      </div>
      <Show when={save.error()}><ErrorBox error={save.error()} /></Show>
    </form>
  )
}

/** Edit and Delete (with its confirmation), and a failed delete's error. */
export function MessageActionBar(props: { msg: Msg; actions: MessageActions; mine: boolean; ownerView: boolean; feed: Feed; member: boolean; canPin: boolean; onReply: (m: Msg) => void }) {
  const m = () => props.msg
  const { editing, setEditing, setDraft, remove, confirming, setConfirming } = props.actions
  // each action says whose message it acts on, as Reply does: a list of buttons read out of
  // context ("Delete message, Delete message, …") did not tell them apart
  const whose = () => `message from ${nameOf(m().sender)}`
  return (
    <>
      <Show when={!m().local && !m().deletedAt && !editing() && (props.member || props.mine || props.ownerView)}>
        <div class={`msg-actions ${confirming() ? 'confirming' : ''}`} onKeyDown={(e) => { if (e.key === 'Escape' && confirming()) { e.stopPropagation(); setConfirming(false) } }}>
          <Show when={!confirming()} fallback={
            <>
              <span class="small">Delete this message?</span>
              <button type="button" class="btn small danger" aria-disabled={remove.busy()} onClick={() => { setConfirming(false); void remove.run() }}>Confirm delete</button>
              {/* the safe choice has the focus: Enter by reflex keeps the message */}
              <button type="button" class="btn small" ref={(el) => queueMicrotask(() => el.focus())} onClick={() => setConfirming(false)}>Keep</button>
            </>
          }>
            <Show when={props.member}>
              <button type="button" class="icon-btn" aria-label={`Reply to ${m().sender.displayName}`} title="Reply" onClick={() => props.onReply(m())}><Icon d={REPLY} /></button>
              <AddReaction msg={m()} feed={props.feed} />
            </Show>
            <Show when={props.canPin}>
              <button type="button" class="icon-btn" aria-label={`${m().pinnedAt ? 'Unpin' : 'Pin'} ${whose()}`} title={m().pinnedAt ? 'Unpin' : 'Pin'} aria-pressed={!!m().pinnedAt}
                onClick={() => { props.feed.setPin(m().id, !m().pinnedAt).catch((e) => toast(toAppError(e).message, { kind: 'error' })) }}><Icon d={PIN} /></button>
            </Show>
            <Show when={props.mine}>
              <button type="button" class="icon-btn" data-action="edit" aria-label={`Edit ${whose()}`} title="Edit" onClick={() => { setDraft(m().body); setEditing(true) }}><Icon d={PENCIL} /></button>
            </Show>
            <Show when={props.mine || props.ownerView}>
              <button type="button" class="icon-btn" data-action="delete" aria-label={`Delete ${whose()}`} title="Delete" aria-disabled={remove.busy()} onClick={() => setConfirming(true)}><Icon d={TRASH} /></button>
            </Show>
          </Show>
        </div>
      </Show>
      <Show when={remove.error()}><ErrorBox error={remove.error()} /></Show>
    </>
  )
}

// icons as paths (no emoji font needed): a pencil and a bin, drawn in the text colour
const PENCIL = 'M3 17.25V21h3.75L17.8 9.94l-3.75-3.75L3 17.25zm17.7-10.2a1 1 0 0 0 0-1.41l-2.34-2.34a1 1 0 0 0-1.41 0l-1.83 1.83 3.75 3.75 1.83-1.83z'
const REPLY = 'M10 9V5l-7 7 7 7v-4.1c5 0 8.5 1.6 11 5.1-1-5-4-10-11-11z'
const PIN = 'M16 3v2h-1v6l2 3v2h-4v5l-1 1-1-1v-5H7v-2l2-3V5H8V3h8z'
const TRASH = 'M6 19a2 2 0 0 0 2 2h8a2 2 0 0 0 2-2V7H6v12zM19 4h-3.5l-1-1h-5l-1 1H5v2h14V4z'
function Icon(props: { d: string }) {
  return <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true"><path fill="currentColor" d={props.d} /></svg>
}
