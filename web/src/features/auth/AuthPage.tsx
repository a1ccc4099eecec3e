import { createSignal, Show } from 'solid-js'
import { ErrorBox, focusFirstInvalid, TextField } from '../../components/ui'
import { Link } from '../../components/Link'
import { logIn, signedOutReason, signUp } from '../../lib/session'
import { navigate, pathname, queryParam, safeNext } from '../../lib/router'
import { toAppError } from '../../lib/errors'

export function AuthPage(props: { mode: 'signin' | 'signup' }) {
  const [username, setUsername] = createSignal('')
  const [password, setPassword] = createSignal('')
  const [displayName, setDisplayName] = createSignal('')
  const [busy, setBusy] = createSignal(false)
  const [error, setError] = createSignal<unknown>(null)
  const isUp = () => props.mode === 'signup'
  const fieldError = (f: string) => {
    const e = error()
    return e && toAppError(e).field === f ? toAppError(e).message : null
  }

  let form: HTMLFormElement | undefined
  const submit = async (e: SubmitEvent) => {
    e.preventDefault()
    if (busy()) return
    setBusy(true)
    setError(null)
    // read before signing in: once the user is known, the shell itself takes the page on to `next`
    // (App.tsx), and the address no longer carries it
    const next = safeNext(queryParam('next'))
    try {
      if (isUp()) await signUp({ username: username().trim(), password: password(), displayName: displayName().trim() || undefined })
      else await logIn({ username: username().trim(), password: password() })
      if (/^\/sign(in|up)$/.test(pathname())) navigate(next, { replace: true })
    } catch (err) {
      setError(err)
      focusFirstInvalid(form)
    } finally {
      setBusy(false)
    }
  }

  return (
    <main class="auth-page">
      <div class="card auth-card">
        <h1 class="brand-title"><span class="flame" aria-hidden="true">●</span> Hearth</h1>
        <p class="muted">Chat rooms and focus sessions with friends.</p>
        <h2>{isUp() ? 'Create an account' : 'Sign in'}</h2>
        <Show when={signedOutReason() && !isUp()}>
          <p class="notice" role="status">{signedOutReason()}</p>
        </Show>
        <form onSubmit={submit} class="stack" novalidate ref={form}>
          <TextField label="Username" name="username" autocomplete="username" required minLength={3} maxLength={32} value={username()} onInput={(e) => setUsername(e.currentTarget.value)}
            hint={isUp() ? '3–32 letters, digits, dots, dashes or underscores.' : undefined} error={fieldError('input.username')} />
          <Show when={isUp()}>
            <TextField label="Display name (optional)" name="displayName" autocomplete="nickname" maxLength={64} value={displayName()} onInput={(e) => setDisplayName(e.currentTarget.value)} />
          </Show>
          <TextField label="Password" name="password" type="password" autocomplete={isUp() ? 'new-password' : 'current-password'} required minLength={isUp() ? 8 : 1} value={password()} onInput={(e) => setPassword(e.currentTarget.value)}
            hint={isUp() ? 'At least 8 characters; not a common password or your name.' : undefined} error={fieldError('input.password')} />
          <Show when={error() && !fieldError('input.username') && !fieldError('input.password')}>
            <ErrorBox error={error()} />
          </Show>
          <button type="submit" class="btn primary" aria-disabled={busy()}>
            {busy() ? 'Please wait…' : isUp() ? 'Create account' : 'Sign in'}
          </button>
        </form>
        <p class="switch">
          <Show when={isUp()} fallback={<>New here? <Link href={`/signup${location.search}`}>Create an account</Link></>}>
            Already have an account? <Link href={`/signin${location.search}`}>Sign in</Link>
          </Show>
        </p>
      </div>
    </main>
  )
}
