// The side panel (timer and members): a column on wide screens; on phones a modal dialog over the
// room, opened from the header and put away by Close, Escape or a tap beside it: the focus moves
// into it, Tab stays inside, and the focus goes back to the button that opened it.
import { createEffect, createSignal, type JSX, on, onCleanup, Show } from 'solid-js'
import type { RoomViewFieldsFragment } from '../../gql/graphql'
import { type RoomTimerState, TimerPanel } from '../focus/TimerPanel'
import { type MemberMenuRoom, MembersPanel, type RoomMembersState } from './MembersPanel'
import type { Feed } from './feed'
import { PinnedPanel } from './PinnedPanel'
import { Avatar, PresenceDot, type Presence } from '../../components/ui'
import { avatarOf, handleOf, nameOf, statusOf } from '../../lib/users'

const PHONE = '(max-width: 760px)'

export function createSidePanel() {
  const [panel, setPanel] = createSignal<'members' | null>(null)
  // the panel is a dialog over the room only where it covers the room (phones)
  const query = window.matchMedia(PHONE)
  const [phone, setPhone] = createSignal(query.matches)
  const onMedia = () => setPhone(query.matches)
  query.addEventListener('change', onMedia)
  onCleanup(() => query.removeEventListener('change', onMedia))
  let sideClose: HTMLButtonElement | undefined
  let opener: HTMLElement | null = null
  // Escape puts the phone panel away wherever the focus is; opening it moves the focus inside,
  // closing gives it back to the button that opened it (the members toggle or the timer chip)
  const onEscape = (e: KeyboardEvent) => { if (e.key === 'Escape' && panel()) setPanel(null) }
  window.addEventListener('keydown', onEscape)
  onCleanup(() => window.removeEventListener('keydown', onEscape))
  createEffect(on(panel, (p) => {
    if (p) {
      const a = document.activeElement
      opener = a instanceof HTMLElement && a !== document.body ? a : null
      queueMicrotask(() => sideClose?.focus())
    } else {
      const el = opener
      opener = null
      if (el?.isConnected) queueMicrotask(() => el.focus())
    }
  }, { defer: true }))
  return {
    open: () => panel() === 'members',
    modal: () => panel() === 'members' && phone(),
    toggle: () => setPanel(panel() === 'members' ? null : 'members'),
    close: () => setPanel(null),
    closeRef: (el: HTMLButtonElement) => { sideClose = el },
  }
}
type SidePanel = ReturnType<typeof createSidePanel>

/** Tab and Shift+Tab cycle through the dialog's controls instead of leaving it for the room behind */
function keepTabInside(e: KeyboardEvent & { currentTarget: HTMLElement }) {
  if (e.key !== 'Tab') return
  const all = [...e.currentTarget.querySelectorAll<HTMLElement>('button, [href], input, select, textarea, summary, [tabindex]:not([tabindex="-1"])')]
    .filter((el) => !(el as HTMLButtonElement).disabled && el.checkVisibility({ visibilityProperty: true }))
  if (!all.length) return
  const first = all[0]
  const last = all[all.length - 1]
  if (e.shiftKey && document.activeElement === first) { e.preventDefault(); last.focus() }
  else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus() }
}

export function RoomSide(props: { panel: SidePanel; room: RoomViewFieldsFragment; members: RoomMembersState; menuRoom?: MemberMenuRoom; peer?: { id: string; username: string; displayName: string; status?: Presence | null; avatarUrl?: string | null } | null; inCall?: ReadonlySet<string>; feed: Feed; canPin: boolean; timer: RoomTimerState | null; call?: JSX.Element }) {
  const panel = props.panel
  return (
    <>
      <Show when={panel.open()}>
        {/* phones: the panel covers the room; a tap beside it, Escape or Close puts it away */}
        <div class="side-backdrop" aria-hidden="true" onClick={() => panel.close()} />
      </Show>
      <aside id="room-side" class={`room-side ${panel.open() ? 'open' : ''}`} aria-label="Room details"
        role={panel.modal() ? 'dialog' : undefined} aria-modal={panel.modal() ? 'true' : undefined} onKeyDown={(e) => { if (panel.modal()) keepTabInside(e) }}>
        <button type="button" class="btn small side-close" ref={panel.closeRef} onClick={() => panel.close()}>Close</button>
        {props.call}
        {/* a direct room is a conversation with one person: who they are, no shared timer or member list */}
        <Show when={props.room.kind !== 'DIRECT'} fallback={
          <Show when={props.peer}>
            {(p) => (
              <section class="peer-card" aria-label="About this conversation">
                <Avatar name={nameOf(p())} id={p().id} url={avatarOf(p())} size={64} />
                <p class="profile-name">{nameOf(p())}</p>
                <Show when={handleOf(p())}>{(h) => <p class="muted">@{h()}</p>}</Show>
                <p class="row"><PresenceDot status={statusOf(p())} /> {({ ONLINE: 'Online', AWAY: 'Away', OFFLINE: 'Offline' } as const)[statusOf(p())]}</p>
              </section>
            )}
          </Show>
        }>
          <Show when={props.timer}>
            <TimerPanel roomId={props.room.id} roomName={props.room.name} />
          </Show>
          <MembersPanel members={props.members.list} refetch={props.members.refetch} room={props.menuRoom} inCall={props.inCall} />
        </Show>
        <PinnedPanel feed={props.feed} canPin={props.canPin} />
      </aside>
    </>
  )
}
