import { createEffect, createSignal, on, Show } from 'solid-js'
import { graphql } from '../../gql'
import { mutate } from '../../lib/client'
import { toAppError } from '../../lib/errors'
import { me, updateMe } from '../../lib/session'
import { Avatar, ErrorBox, focusFirstInvalid, formatDate, TextField, toast, useAction } from '../../components/ui'
import { Link } from '../../components/Link'
import { AvatarEditor } from './AvatarEditor'

const SetPresence = graphql(`
  mutation SetPresence($status: PresenceStatus!) {
    setPresence(status: $status) { id status }
  }
`)

const UpdateProfile = graphql(`
  mutation UpdateProfile($input: UpdateProfileInput!) {
    updateProfile(input: $input) { ...MeFields }
  }
`)

export function ProfilePage() {
  const [displayName, setDisplayName] = createSignal('')
  const [firstName, setFirstName] = createSignal('')
  const [lastName, setLastName] = createSignal('')
  const [dirty, setDirty] = createSignal(false)

  // edits made in another window arrive through userUpdated: show them unless this form has unsaved changes
  createEffect(on(me, (m) => {
    if (!m || dirty()) return
    setDisplayName(m.displayName)
    setFirstName(m.firstName ?? '')
    setLastName(m.lastName ?? '')
  }))

  const save = useAction(async () => {
    const d = await mutate(UpdateProfile, { input: { displayName: displayName().trim(), firstName: firstName().trim(), lastName: lastName().trim() } })
    setDirty(false)
    updateMe(d.updateProfile)
    toast('Profile saved')
  })
  // a refused save: the focus goes to the field it is about, which reads its error
  let profileForm: HTMLFormElement | undefined
  createEffect(on(() => save.error(), (e) => { if (e) focusFirstInvalid(profileForm) }, { defer: true }))

  const presence = useAction(async (status: 'ONLINE' | 'AWAY') => {
    const d = await mutate(SetPresence, { status })
    updateMe({ status: d.setPresence.status })
  })

  // an error about one field shows under it; anything else above the buttons
  const fieldError = (f: string) => {
    const e = save.error()
    return e && toAppError(e).field === `input.${f}` ? toAppError(e).message : null
  }
  const generalError = () => {
    const e = save.error()
    return e && !['displayName', 'firstName', 'lastName'].some((f) => toAppError(e).field === `input.${f}`) ? e : null
  }

  const edit = (set: (v: string) => void) => (e: InputEvent & { currentTarget: HTMLInputElement }) => {
    set(e.currentTarget.value)
    setDirty(true)
  }

  return (
    <Show when={me()}>
      {(m) => (
        <section class="page narrow">
          <h1>Profile</h1>
          <div class="card profile-card" aria-label="Your profile">
            <Avatar name={m().displayName} id={m().id} url={m().avatarUrl} size={56} />
            <div>
              <p class="profile-name" data-testid="profile-display-name">{m().displayName}</p>
              <p class="muted">@{m().username}</p>
              <Show when={m().firstName || m().lastName}>
                <p>{[m().firstName, m().lastName].filter(Boolean).join(' ')}</p>
              </Show>
              <p class="muted small">Member since {formatDate(m().createdAt)}</p>
            </div>
          </div>
          <AvatarEditor />
          <fieldset class="card field presence-choice">
            <legend>Show me as</legend>
            <div class="row wrap">
              <label class="radio"><input type="radio" name="presence" checked={m().status !== 'AWAY'} aria-disabled={presence.busy()} onChange={() => void presence.run('ONLINE')} /> Online</label>
              <label class="radio"><input type="radio" name="presence" checked={m().status === 'AWAY'} aria-disabled={presence.busy()} onChange={() => void presence.run('AWAY')} /> Away</label>
            </div>
            <Show when={presence.error()}><ErrorBox error={presence.error()} /></Show>
          </fieldset>
          <form class="card stack" ref={profileForm} onSubmit={(e) => { e.preventDefault(); void save.run() }}>
            <h2>Edit profile</h2>
            <TextField label="Display name" name="displayName" required maxLength={64} value={displayName()} onInput={edit(setDisplayName)} error={fieldError('displayName')} />
            <div class="row wrap">
              <div class="grow"><TextField label="First name" name="firstName" maxLength={64} autocomplete="given-name" value={firstName()} onInput={edit(setFirstName)} error={fieldError('firstName')} /></div>
              <div class="grow"><TextField label="Last name" name="lastName" maxLength={64} autocomplete="family-name" value={lastName()} onInput={edit(setLastName)} error={fieldError('lastName')} /></div>
            </div>
            <Show when={generalError()}><ErrorBox error={generalError()} /></Show>
            <div class="row">
              <button type="submit" class="btn primary" aria-disabled={save.busy()}>{save.busy() ? 'Saving…' : 'Save profile'}</button>
              <Show when={dirty()}>
                <button type="button" class="btn" onClick={() => { setDirty(false); const x = me(); if (x) { setDisplayName(x.displayName); setFirstName(x.firstName ?? ''); setLastName(x.lastName ?? '') } }}>Discard changes</button>
              </Show>
            </div>
          </form>
          {/* phones have no top bar links: the Me tab leads here, and on to the sessions */}
          <p class="phone-only-block"><Link href="/sessions">Signed-in devices (sessions)</Link> · <Link href="/account">Account (password, deletion)</Link></p>
        </section>
      )}
    </Show>
  )
}
