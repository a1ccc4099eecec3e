// One room as its viewer sees it, put together: header, call, message log, typing line, composer
// (or the join bar of a preview) and the side panel. Each piece lives in the file of its name.
import { createEffect, createSignal, on, onCleanup, onMount, Show } from 'solid-js'
import type { RoomViewFieldsFragment } from '../../gql/graphql'
import { me } from '../../lib/session'
import { isModerator } from '../../lib/roles'
import { handleOf, nameOf, roomTitle } from '../../lib/users'
import { ErrorBox, useAction } from '../../components/ui'
import { CallPanel } from '../call/CallPanel'
import { createRoomTimer } from '../focus/TimerPanel'
import { setTitleRoomName } from '../shell/alerts'
import { levelOf, refreshSoon } from '../shell/conversations'
import { createFeed, type Msg } from './feed'
import { Composer } from './Composer'
import { createMarkRead } from './markRead'
import { createRoomMembers } from './MembersPanel'
import { createMessageScroll, MessageList } from './MessageList'
import { createRoomActions } from './roomActions'
import { RoomHeader } from './RoomHeader'
import { createSearch, SearchButton, SearchDialog } from './SearchDialog'
import { useRoomLive } from './roomLive'
import { createSidePanel, RoomSide } from './RoomSide'
import { createTyping } from './typing'
import { RoomSettings } from './RoomSettings'
import { useRoomChanged } from './roomChanged'
import { createDirectBlock } from './directBlock'
import { preloadEmojiPickerWhenIdle } from './Reactions'

export function RoomView(props: { room: RoomViewFieldsFragment; onRoom: (r: RoomViewFieldsFragment) => void; onEnded: () => void }) {
  const r = () => props.room
  const self = me()!
  const feed = createFeed(props.room.id, self)
  const members = createRoomMembers(() => props.room.id)
  const typing = createTyping(r)
  const side = createSidePanel()
  const scroll = createMessageScroll(feed)
  const scheduleMarkRead = createMarkRead(r, feed)
  const roomLive = useRoomLive({ room: r, self, feed, members, typing, scroll, scheduleMarkRead, onEnded: () => props.onEnded() })
  const actions = createRoomActions(r, (x) => {
    props.onRoom(x)
    members.reload()
  })
  // a direct room reads as a conversation with the other person: their name, their @username
  const peer = () => (r().kind === 'DIRECT' ? members.current()?.find((m) => m.user.id !== self.id)?.user ?? null : null)
  const title = () => {
    const p = peer()
    return p ? nameOf(p) : roomTitle(r(), self.username)
  }
  // one timer state for the side panel and the header's compact countdown (members of group rooms)
  const timer = props.room.viewerIsMember && props.room.kind !== 'DIRECT' ? createRoomTimer(props.room.id) : null
  // wide screens have the call in the right-hand pane with the members and the timer; phones keep
  // it above the conversation (the side pane is a drawer there). Decided once per view: moving a
  // running call between places would restart it.
  const wide = window.matchMedia('(min-width: 761px)').matches
  createEffect(() => setTitleRoomName(title()))
  onCleanup(() => setTitleRoomName(null))
  // joined from a preview, or opened from a link: the sidebar learns of it
  onMount(() => refreshSoon(0))
  // the emoji picker's code and data, fetched while nothing else happens: its first opening shows emoji at once
  onMount(() => { if (props.room.viewerIsMember) preloadEmojiPickerWhenIdle() })
  // renamed (roomChanged): the sidebar and the switcher follow
  createEffect(on(() => r().name, () => refreshSoon(0), { defer: true }))
  const [replyTo, setReplyTo] = createSignal<Msg | null>(null)
  const canPin = () => r().viewerIsMember && (r().kind === 'DIRECT' || isModerator(r().viewerRole))
  const reply = (m: Msg) => {
    setReplyTo(m)
    queueMicrotask(() => document.getElementById('composer-input')?.focus())
  }
  const [settingsOpen, setSettingsOpen] = createSignal(false)
  const [bansEpoch, setBansEpoch] = createSignal(0)
  useRoomChanged({ room: r, self, onRoom: (x) => props.onRoom(x), members, onBans: () => setBansEpoch((n) => n + 1) })
  const other = () => {
    const p = peer()
    return p ? { id: p.id, displayName: p.displayName } : null
  }
  // a block between the two people of a direct room: said above a disabled composer
  const block = createDirectBlock(() => (r().kind === 'DIRECT' && r().viewerIsMember ? peer()?.id ?? null : null),
    // (a refused message kept from an earlier visit does not count: the block may have ended since)
    () => feed.state.list.filter((m) => m.local === 'failed' && m.localCode === 'FORBIDDEN' && !m.localRestored).length)
  const unblock = useAction(() => block.unblock())
  const search = createSearch()
  const [inCall, setInCall] = createSignal<ReadonlySet<string>>(new Set())

  return (
    <div class="room-layout">
      <section class="room-main" aria-labelledby="room-title">
        <RoomHeader room={r()} title={title()} memberCount={members.count() ?? r().memberCount} actions={actions} panelOpen={side.open()} onTogglePanel={side.toggle} onSettings={() => setSettingsOpen(true)} other={other()} tools={<SearchButton search={search} />} handle={peer() ? handleOf(peer()!) ?? undefined : undefined} timer={timer} level={levelOf(r().id)} />
        <RoomSettings room={r()} open={settingsOpen()} onClose={() => setSettingsOpen(false)} onRoom={(x) => props.onRoom(x)} bansEpoch={bansEpoch()} />
        <Show when={actions.error()}>
          <ErrorBox error={actions.error()} />
        </Show>
        <Show when={r().viewerIsMember && !wide && !block.state()}>
          <CallPanel roomId={r().id} onPeople={setInCall} />
        </Show>
        <MessageList feed={feed} scroll={scroll} label={`Messages in ${title()}`} dividerBefore={roomLive.dividerBefore()} highlight={roomLive.highlight()} unreadAbove={roomLive.unreadAbove()} arrivals={roomLive.arrivals()} ownerView={isModerator(r().viewerRole)}
          member={r().viewerIsMember} canPin={canPin() && !block.state()} onReply={reply} />
        <p class="typing" aria-live="polite">{typing.text()}</p>
        <Show when={r().viewerIsMember} fallback={
          <div class="join-bar">
            <span>You are previewing this room.</span>
            <button type="button" class="btn primary" aria-disabled={actions.join.busy()} onClick={() => void actions.join.run()}>Join room</button>
          </div>
        }>
          <Show when={block.state()}>
            {(s) => (
              <div class="join-bar blocked-bar" role="status">
                <Show when={s() === 'blocked-by-me'} fallback={<span>You can't message {title()}. What was not sent stays below until you discard it.</span>}>
                  <span>You blocked {title()}. Neither of you can write here.</span>
                  <button type="button" class="btn" aria-disabled={unblock.busy()} onClick={() => void unblock.run()}>Unblock</button>
                </Show>
              </div>
            )}
          </Show>
          <Show when={unblock.error()}><ErrorBox error={unblock.error()} /></Show>
          <Composer roomId={r().id} userId={self.id} disabled={!!block.state()} roomName={title()} people={(members.current() ?? []).map((m) => m.user).filter((u) => u.id !== self.id)} 
            replyTo={replyTo()} onCancelReply={() => setReplyTo(null)}
            onSend={(b, files) => { typing.stopTyping(); scroll.stick(); feed.send(b, replyTo(), files); setReplyTo(null); queueMicrotask(scroll.toBottom) }} onTyping={typing.typed} />
        </Show>
      </section>
      <RoomSide panel={side} room={r()} members={members} menuRoom={{ id: r().id, name: r().name, viewerRole: r().viewerRole, selfId: self.id, kind: r().kind }} peer={peer()} inCall={inCall()} feed={feed} canPin={canPin() && !block.state()} timer={timer} call={r().viewerIsMember && wide && !block.state() ? <CallPanel roomId={r().id} onPeople={setInCall} /> : null} />
      <SearchDialog search={search} room={r()} title={title()} />
    </div>
  )
}
