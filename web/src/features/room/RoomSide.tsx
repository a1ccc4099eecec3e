// The side panel (timer and members): a column on wide screens; on phones a panel over the room,
// opened from the header and put away by Close, Escape or a tap beside it.
import { createEffect, createSignal, type JSX, on, onCleanup, Show } from 'solid-js'
import type { RoomViewFieldsFragment } from '../../gql/graphql'
import { type RoomTimerState, TimerPanel } from '../focus/TimerPanel'
import { type MemberMenuRoom, MembersPanel, type RoomMembersState } from './MembersPanel'
import type { Feed } from './feed'
import { PinnedPanel } from './PinnedPanel'
import { Avatar, PresenceDot, type Presence } from '../../components/ui'
import { avatarOf, handleOf, nameOf, statusOf } from '../../lib/users'

export function createSidePanel() {
  const [panel, setPanel] = createSignal<'members' | null>(null)
  let sideClose: HTMLButtonElement | undefined
  // Escape puts the phone panel away wherever the focus is; opening it moves the focus inside
  const onEscape = (e: KeyboardEvent) => { if (e.key === 'Escape' && panel()) setPanel(null) }
  window.addEventListener('keydown', onEscape)
  onCleanup(() => window.removeEventListener('keydown', onEscape))
  createEffect(on(panel, (p) => { if (p) queueMicrotask(() => sideClose?.focus()) }, { defer: true }))
  return {
    open: () => panel() === 'members',
    toggle: () => setPanel(panel() === 'members' ? null : 'members'),
    close: () => setPanel(null),
    closeRef: (el: HTMLButtonElement) => { sideClose = el },
  }
}
type SidePanel = ReturnType<typeof createSidePanel>

export function RoomSide(props: { panel: SidePanel; room: RoomViewFieldsFragment; members: RoomMembersState; menuRoom?: MemberMenuRoom; peer?: { id: string; username: string; displayName: string; status?: Presence | null; avatarUrl?: string | null } | null; inCall?: ReadonlySet<string>; feed: Feed; canPin: boolean; timer: RoomTimerState | null; call?: JSX.Element }) {
  const panel = props.panel
  return (
    <>
      <Show when={panel.open()}>
        {/* phones: the panel covers the room; a tap beside it, Escape or Close puts it away */}
        <div class="side-backdrop" aria-hidden="true" onClick={() => panel.close()} />
      </Show>
      <aside id="room-side" class={`room-side ${panel.open() ? 'open' : ''}`} aria-label="Room details">
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
