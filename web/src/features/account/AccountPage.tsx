import { createEffect, createSignal, on, onCleanup, Show } from 'solid-js'
import { graphql } from '../../gql'
import { mutate } from '../../lib/client'
import { toAppError } from '../../lib/errors'
import { accountDeleted, me } from '../../lib/session'
import { ErrorBox, focusFirstInvalid, toast, useAction } from '../../components/ui'
// the server's own rule (shared file: no server internals in it), so the feedback here is what
// changePassword will answer
import { passwordLengthProblem, passwordProblem } from '../../../../src/lib/passwords'

const ChangePassword = graphql(`
  mutation ChangePassword($currentPassword: String!, $newPassword: String!) {
    changePassword(currentPassword: $currentPassword, newPassword: $newPassword)
  }
`)

const DeleteAccount = graphql(`
  mutation DeleteAccount($password: String!) {
    deleteAccount(password: $password)
  }
`)

/** a password input with a show/hide toggle; the toggle names what it does and says whether it is on */
function PasswordField(props: {
  label: string
  name: string
  value: string
  onInput: (v: string) => void
  autocomplete: string
  error?: string | null
  describedBy?: string
}) {
  const [shown, setShown] = createSignal(false)
  const id = `pw-${props.name}`
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <div class="row password-row">
        <input
          id={id} name={props.name} class="grow" type={shown() ? 'text' : 'password'} required autocomplete={props.autocomplete}
          value={props.value} onInput={(e) => props.onInput(e.currentTarget.value)}
          aria-invalid={!!props.error} aria-describedby={[props.describedBy, props.error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined}
        />
        <button
          type="button" class="btn small" aria-pressed={shown()} aria-controls={id} onClick={() => setShown(!shown())}
          aria-label={shown() ? `Hide ${props.label.toLowerCase()}` : `Show ${props.label.toLowerCase()}`}
        >
          {shown() ? 'Hide' : 'Show'}
        </button>
      </div>
      <Show when={props.error}><small class="field-error" id={`${id}-error`}>{props.error}</small></Show>
    </div>
  )
}

type Strength = { level: 'empty' | 'weak' | 'checking' | 'ok' | 'strong'; text: string }

/** the password rule applied as the user types (the common-password list loads on first use) */
function useStrength(password: () => string, names: () => unknown[]) {
  const [strength, setStrength] = createSignal<Strength>({ level: 'empty', text: 'At least 8 characters, not your name, not a common password.' })
  let seq = 0
  createEffect(on([password, names], ([p, n]) => {
    const mine = ++seq
    if (!p) return setStrength({ level: 'empty', text: 'At least 8 characters, not your name, not a common password.' })
    const length = passwordLengthProblem(p)
    if (length) return setStrength({ level: 'weak', text: `Too weak: ${length}.` })
    setStrength({ level: 'checking', text: 'Checking…' })
    passwordProblem(p, n).then((problem) => {
      if (mine !== seq) return
      if (problem) setStrength({ level: 'weak', text: `Too weak: ${problem}.` })
      else if ([...p.trim()].length >= 16) setStrength({ level: 'strong', text: 'Strong: meets the password rule.' })
      else setStrength({ level: 'ok', text: 'Good: meets the password rule. Longer is stronger.' })
    }, () => { if (mine === seq) setStrength({ level: 'ok', text: 'Could not load the list of common passwords; the server will check.' }) })
  }))
  onCleanup(() => { seq++ })
  return strength
}

function ChangePasswordForm() {
  const [current, setCurrent] = createSignal('')
  const [next, setNext] = createSignal('')
  const strength = useStrength(next, () => [me()?.username, me()?.displayName])
  const save = useAction(async () => {
    await mutate(ChangePassword, { currentPassword: current(), newPassword: next() })
    setCurrent('')
    setNext('')
    toast('Password changed. Your other sessions were signed out.')
  })
  const fieldError = (f: string) => {
    const e = save.error()
    return e && toAppError(e).field === f ? toAppError(e).message : null
  }
  const general = () => {
    const e = save.error()
    return e && !['currentPassword', 'newPassword'].includes(toAppError(e).field ?? '') ? e : null
  }
  const meter = () => ({ empty: 0, weak: 1, checking: 1, ok: 2, strong: 3 })[strength().level]
  // a refused change (a wrong current password): the focus goes to the field, which reads its error
  let form: HTMLFormElement | undefined
  createEffect(on(() => save.error(), (e) => { if (e) focusFirstInvalid(form) }, { defer: true }))
  return (
    <form class="card stack" ref={form} aria-labelledby="change-password-title" onSubmit={(e) => { e.preventDefault(); void save.run() }}>
      <h2 id="change-password-title">Change password</h2>
      <PasswordField label="Current password" name="currentPassword" value={current()} onInput={setCurrent} autocomplete="current-password" error={fieldError('currentPassword')} />
      <PasswordField label="New password" name="newPassword" value={next()} onInput={setNext} autocomplete="new-password" error={fieldError('newPassword')} describedBy="new-password-strength" />
      <div class="strength" data-level={strength().level}>
        <meter min="0" max="3" low={1.5} high={2.5} optimum={3} value={meter()} aria-label="Password strength" />
        <p id="new-password-strength" class="small" role="status" aria-live="polite">{strength().text}</p>
      </div>
      <Show when={general()}><ErrorBox error={general()} /></Show>
      <p class="hint">Changing it signs out every other device where you are signed in.</p>
      <div class="row">
        <button type="submit" class="btn primary" disabled={strength().level === 'weak'} aria-disabled={save.busy()}>{save.busy() ? 'Changing…' : 'Change password'}</button>
      </div>
    </form>
  )
}

function DeleteAccountForm() {
  const [password, setPassword] = createSignal('')
  const [confirming, setConfirming] = createSignal(false)
  let cancelButton: HTMLButtonElement | undefined
  let askButton: HTMLButtonElement | undefined
  const remove = useAction(async () => {
    await mutate(DeleteAccount, { password: password() })
    accountDeleted()
  })
  const fieldError = () => {
    const e = remove.error()
    return e && toAppError(e).field === 'password' ? toAppError(e).message : null
  }
  // the safe choice has the focus (Enter by reflex deletes nothing); Cancel or Escape gives it back
  // to "Delete my account…"
  createEffect(on(confirming, (c, was) => { if (c) queueMicrotask(() => cancelButton?.focus()); else if (was) queueMicrotask(() => { if (!document.activeElement || document.activeElement === document.body) askButton?.focus() }) }))
  let deleteForm: HTMLFormElement | undefined
  // refused (a wrong password): the question goes, the focus goes to the password, read with its error
  createEffect(on(remove.error, (e) => { if (e) { setConfirming(false); focusFirstInvalid(deleteForm) } }))
  return (
    <form class="card stack danger-zone" ref={deleteForm} aria-labelledby="delete-account-title" onSubmit={(e) => { e.preventDefault(); if (password()) setConfirming(true) }}>
      <h2 id="delete-account-title">Delete account</h2>
      <p>
        Deleting your account signs you out everywhere and erases your profile, friends, requests, blocks,
        notifications, study history and room memberships (rooms you own pass to their longest-standing member).
        Your messages stay in their rooms, shown as from “Deleted user”. Your username becomes free for anyone.
      </p>
      <PasswordField label="Password" name="deletePassword" value={password()} onInput={(v) => { setPassword(v); setConfirming(false) }} autocomplete="current-password" error={fieldError()} />
      <Show when={remove.error() && !fieldError()}><ErrorBox error={remove.error()} /></Show>
      <Show
        when={confirming()}
        fallback={<div class="row"><button type="submit" class="btn danger" ref={askButton} disabled={!password()}>Delete my account…</button></div>}
      >
        {/* modal like the other dialogs: Tab and Shift+Tab go round its two buttons, Escape cancels */}
        <div class="notice stack" role="alertdialog" aria-modal="true" aria-labelledby="delete-confirm-text" onKeyDown={(e) => {
          if (e.key === 'Escape') { e.stopPropagation(); setConfirming(false) }
          if (e.key === 'Tab') {
            const buttons = [...e.currentTarget.querySelectorAll<HTMLButtonElement>('button:not(:disabled)')]
            const i = buttons.indexOf(document.activeElement as HTMLButtonElement)
            e.preventDefault()
            buttons[(i + (e.shiftKey ? -1 : 1) + buttons.length) % buttons.length]?.focus()
          }
        }}>
          <p id="delete-confirm-text"><strong>This cannot be undone.</strong> Delete @{me()?.username} for good?</p>
          <div class="row">
            <button type="button" class="btn danger" aria-disabled={remove.busy()} onClick={() => void remove.run()}>
              {remove.busy() ? 'Deleting…' : 'Yes, delete my account'}
            </button>
            <button type="button" class="btn" ref={cancelButton} onClick={() => setConfirming(false)}>Cancel</button>
          </div>
        </div>
      </Show>
    </form>
  )
}

export function AccountPage() {
  return (
    <Show when={me()}>
      <section class="page narrow">
        <h1>Account</h1>
        <ChangePasswordForm />
        <DeleteAccountForm />
      </section>
    </Show>
  )
}
