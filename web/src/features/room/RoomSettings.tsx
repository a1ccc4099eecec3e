// Room settings, in a modal dialog opened from the room menu: name and description (the owner),
// the invite code with copy and regenerate (owner and moderators), and the banned list with unban.
// Other members see every change live through roomChanged (roomLive.ts).
import { createEffect, createResource, createSignal, For, Show } from 'solid-js'
import { graphql } from '../../gql'
import type { RoomViewFieldsFragment } from '../../gql/graphql'
import { mutate, query } from '../../lib/client'
import { isModerator } from '../../lib/roles'
import { nameOf } from '../../lib/users'
import { ErrorBox, latestOf, toast, useAction } from '../../components/ui'
import { ConfirmDialog } from '../../components/ConfirmDialog'

const UpdateRoom = graphql(`
  mutation UpdateRoomSettings($id: ID!, $input: UpdateRoomInput!) { updateRoom(id: $id, input: $input) { ...RoomViewFields } }
`)
const RegenerateCode = graphql(`
  mutation RegenerateRoomCode($roomId: ID!) { regenerateRoomCode(roomId: $roomId) { ...RoomViewFields } }
`)
const BannedUsers = graphql(`
  query RoomBannedUsers($id: ID!) { room(id: $id) { id bannedUsers { id username displayName } } }
`)
const Unban = graphql(`
  mutation UnbanMember($roomId: ID!, $userId: ID!) { unbanMember(roomId: $roomId, userId: $userId) }
`)

export const inviteLink = (code: string) => `${location.origin}/join/${code}`

export function RoomSettings(props: { room: RoomViewFieldsFragment; open: boolean; onClose: () => void; onRoom: (r: RoomViewFieldsFragment) => void; bansEpoch: number }) {
  const r = () => props.room
  const owner = () => r().viewerRole === 'OWNER'
  let dialog: HTMLDialogElement | undefined
  let nameInput: HTMLInputElement | undefined
  const [name, setName] = createSignal(r().name)
  const [description, setDescription] = createSignal(r().description ?? '')
  createEffect(() => {
    const open = props.open
    if (!dialog) return
    if (open && !dialog.open) {
      setName(r().name)
      setDescription(r().description ?? '')
      dialog.showModal()
      queueMicrotask(() => (owner() ? nameInput : dialog?.querySelector<HTMLButtonElement>('button'))?.focus())
    } else if (!open && dialog.open) dialog.close()
  })

  const save = useAction(async () => {
    const d = await mutate(UpdateRoom, { id: r().id, input: { name: name(), description: description() } })
    props.onRoom(d.updateRoom)
    toast('Room settings saved')
  })
  const [confirmRegen, setConfirmRegen] = createSignal(false)
  const regen = useAction(async () => {
    const d = await mutate(RegenerateCode, { roomId: r().id })
    props.onRoom(d.regenerateRoomCode)
    setConfirmRegen(false)
    toast('New invite code made; the old one no longer works')
  })
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(inviteLink(r().code))
      toast('Invite link copied')
    } catch {
      toast(`Invite code: ${r().code}`)
    }
  }
  const [bans, { refetch: refetchBans }] = createResource(
    () => (props.open && isModerator(r().viewerRole) ? `${r().id}:${props.bansEpoch}` : null),
    () => query(BannedUsers, { id: r().id }).then((d) => d.room?.bannedUsers ?? []),
  )
  const unban = useAction(async (u: { id: string; displayName: string }) => {
    await mutate(Unban, { roomId: r().id, userId: u.id })
    toast(`${u.displayName} may join again`)
    void refetchBans()
  })

  return (
    <dialog ref={dialog} class="settings-dialog" aria-labelledby="settings-title" onCancel={(e) => { e.preventDefault(); props.onClose() }}>
      <div class="row">
        <h2 id="settings-title" class="grow">Room settings</h2>
        <button type="button" class="btn small" onClick={() => props.onClose()}>Close</button>
      </div>
      <Show when={owner()}>
        <form class="stack" onSubmit={(e) => { e.preventDefault(); void save.run() }}>
          <label class="field">
            <span>Room name</span>
            <input ref={nameInput} value={name()} maxLength={80} required onInput={(e) => setName(e.currentTarget.value)} />
          </label>
          <label class="field">
            <span>Description</span>
            <textarea rows={3} maxLength={1000} value={description()} onInput={(e) => setDescription(e.currentTarget.value)} />
          </label>
          <Show when={save.error()}><ErrorBox error={save.error()} /></Show>
          <div class="row"><button type="submit" class="btn primary" aria-disabled={save.busy()}>Save changes</button></div>
        </form>
      </Show>
      <section class="stack" aria-labelledby="invite-title">
        <h3 id="invite-title">Invite code</h3>
        <p class="row wrap">
          <code class="code-chip" data-testid="settings-code" aria-label="Invite code">{r().code}</code>
          <button type="button" class="btn small" onClick={() => void copy()}>Copy link</button>
          <Show when={isModerator(r().viewerRole)}>
            <button type="button" class="btn small" onClick={() => setConfirmRegen(true)}>Regenerate code</button>
          </Show>
        </p>
      </section>
      <Show when={isModerator(r().viewerRole)}>
        <section class="stack" aria-labelledby="bans-title">
          <h3 id="bans-title">Banned users</h3>
          <Show when={unban.error()}><ErrorBox error={unban.error()} /></Show>
          <Show when={(latestOf(bans) ?? []).length > 0} fallback={<p class="muted small">{bans.loading ? 'Loading…' : 'Nobody is banned.'}</p>}>
            <ul class="ban-list" aria-label="Banned users">
              <For each={latestOf(bans) ?? []}>
                {(u) => (
                  <li class="row">
                    <span class="grow">{nameOf(u)} <span class="muted">@{u.username}</span></span>
                    <button type="button" class="btn small" aria-disabled={unban.busy()} aria-label={`Unban ${nameOf(u)}`} onClick={() => void unban.run(u)}>Unban</button>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        </section>
      </Show>
      <ConfirmDialog open={confirmRegen()} title="Regenerate the invite code?" confirmLabel="Regenerate" danger busy={regen.busy()} error={regen.error()}
        onConfirm={() => void regen.run()} onCancel={() => { setConfirmRegen(false); regen.setError(null) }}>
        <p>The current code and links made from it stop working at once. Members stay in the room.</p>
      </ConfirmDialog>
    </dialog>
  )
}
