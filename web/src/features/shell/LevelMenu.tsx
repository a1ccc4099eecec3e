// A room's notification level (all / mentions and replies / nothing) and mute, for the viewer:
// a disclosure button opening a small panel of radio buttons. Used in the room header and beside
// every room of the sidebar. Escape or a click elsewhere closes it; focus goes back to the button.
// Its controls are never disabled while saving (a disabled control would drop the focus).
import { createSignal, createUniqueId, onCleanup, Show } from 'solid-js'
import type { NotificationLevel } from '../../gql/graphql'
import { ErrorBox, toast, useAction } from '../../components/ui'
import { setNotificationLevel } from './conversations'
import { BellIcon, BellOffIcon } from './icons'

export const LEVEL_TEXT: Record<NotificationLevel, string> = { ALL: 'All messages', MENTIONS: 'Mentions and replies', NONE: 'Nothing (muted)' }
const SHORT: Record<NotificationLevel, string> = { ALL: 'All', MENTIONS: 'Mentions', NONE: 'Muted' }

export function LevelMenu(props: { roomId: string; roomTitle: string; kind: string; level: NotificationLevel; compact?: boolean }) {
  const [open, setOpen] = createSignal(false)
  const id = createUniqueId()
  let button: HTMLButtonElement | undefined
  let panel: HTMLDivElement | undefined
  const set = useAction(async (level: NotificationLevel) => {
    await setNotificationLevel(props.roomId, level)
    toast(level === 'NONE' ? `${props.roomTitle} muted` : `${props.roomTitle}: ${LEVEL_TEXT[level].toLowerCase()}`, { ms: 3000 })
  })
  const close = (refocus: boolean) => { setOpen(false); if (refocus) button?.focus() }
  const onDocDown = (e: PointerEvent) => {
    if (open() && !panel?.contains(e.target as Node) && !button?.contains(e.target as Node)) close(false)
  }
  document.addEventListener('pointerdown', onDocDown)
  onCleanup(() => document.removeEventListener('pointerdown', onDocDown))
  const muted = () => props.level === 'NONE'
  const unmuteTo = (): NotificationLevel => (props.kind === 'DIRECT' ? 'ALL' : 'MENTIONS')

  return (
    <div class={`level-menu ${props.compact ? 'compact' : ''}`} onKeyDown={(e) => { if (e.key === 'Escape' && open()) { e.stopPropagation(); close(true) } }}>
      <button type="button" ref={button} class={props.compact ? 'icon-btn level-btn' : 'btn small level-btn'} aria-expanded={open()} aria-controls={id}
        aria-label={props.compact ? `Notification settings for ${props.roomTitle}` : undefined}
        title={`Notifications: ${LEVEL_TEXT[props.level]}`} onClick={() => setOpen(!open())}>
        <Show when={props.compact} fallback={<>Notifications: {SHORT[props.level]}</>}>
          <Show when={muted()} fallback={<BellIcon size={16} />}><BellOffIcon size={16} /></Show>
        </Show>
      </button>
      <Show when={open()}>
        <div class="level-panel card" id={id} ref={panel} role="group" aria-label={`Notifications for ${props.roomTitle}`}>
          <fieldset class="field">
            <legend>Notify me about</legend>
            {(['ALL', 'MENTIONS', 'NONE'] as const).map((l) => (
              <label class="radio">
                <input type="radio" name={`level-${id}`} value={l} checked={props.level === l} aria-disabled={set.busy()} onChange={() => void set.run(l)} />
                {LEVEL_TEXT[l]}
              </label>
            ))}
          </fieldset>
          <button type="button" class="btn small" aria-disabled={set.busy()} onClick={() => void set.run(muted() ? unmuteTo() : 'NONE')}>
            {muted() ? `Unmute ${props.roomTitle}` : `Mute ${props.roomTitle}`}
          </button>
          <Show when={set.error()}><ErrorBox error={set.error()} /></Show>
        </div>
      </Show>
    </div>
  )
}
