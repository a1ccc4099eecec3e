// "focusing until 14:25" beside a person (friends list), from User.focusUntil.
import { Show } from 'solid-js'
import { focusOf } from '../../lib/users'

export function FocusingUntil(props: { user: { id: string; focusUntil?: string | null } }) {
  const until = () => {
    const f = focusOf(props.user)
    return f && Date.parse(f) > Date.now() ? new Date(f).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : null
  }
  return <Show when={until()}><span class="tag focus" data-testid="focusing-until">focusing until {until()}</span></Show>
}
