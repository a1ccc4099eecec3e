import { createEffect, createResource, createSignal, For, on, onCleanup, Show } from 'solid-js'
import { graphql } from '../../gql'
import { connEpoch, live, mutate, query } from '../../lib/client'
import { me } from '../../lib/session'
import { guardNavigation, match } from '../../lib/router'
import { avatarOf, nameOf } from '../../lib/users'
import { Avatar, ErrorBox, latestOf, toast } from '../../components/ui'
import { Mesh, type Peer } from './mesh'
import { createSpeakingMeter } from './speaking'

const CallParticipants = graphql(`
  query CallParticipants($roomId: ID!) {
    callParticipants(roomId: $roomId) { id displayName }
  }
`)

const CallConfigQuery = graphql(`
  query CallConfig {
    callConfig { iceServers { urls username credential } }
  }
`)

/** the deployment's STUN/TURN servers; none (or unreachable): host candidates, which work on one network */
async function rtcConfiguration(): Promise<RTCConfiguration> {
  try {
    const d = await query(CallConfigQuery, {})
    return {
      iceServers: d.callConfig.iceServers.map((s) => ({
        urls: s.urls,
        ...(s.username != null ? { username: s.username } : {}),
        ...(s.credential != null ? { credential: s.credential } : {}),
      })),
    }
  } catch {
    return { iceServers: [] }
  }
}

const CallChangedLive = graphql(`
  subscription CallChangedLive($roomId: ID!) {
    callChanged(roomId: $roomId) { joined user { id displayName } participants { id displayName } }
  }
`)

const SignalsLive = graphql(`
  subscription SignalsLive($roomId: ID) {
    signalReceived(roomId: $roomId) { id kind payload from { id } }
  }
`)

const JoinCall = graphql(`
  mutation JoinCall($roomId: ID!) { joinCall(roomId: $roomId) { id displayName } }
`)

const LeaveCall = graphql(`
  mutation LeaveCall($roomId: ID!) { leaveCall(roomId: $roomId) }
`)

function Video(props: { stream: MediaStream | null; muted?: boolean; label: string; hidden?: boolean }) {
  let el: HTMLVideoElement | undefined
  createEffect(() => {
    if (el && el.srcObject !== props.stream) el.srcObject = props.stream
  })
  // a camera that is off keeps its element (it also plays the voice), only out of sight
  return <video ref={el} autoplay playsinline muted={props.muted} aria-label={props.label} aria-hidden={props.hidden ? 'true' : undefined} class={props.hidden ? 'off' : ''} />
}

const MIC_OFF = 'M19 11h-1.7c0 .74-.16 1.43-.43 2.05l1.23 1.23c.56-.98.9-2.09.9-3.28zm-4.02.17c0-.06.02-.11.02-.17V5c0-1.66-1.34-3-3-3S9 3.34 9 5v.18l5.98 5.99zM4.27 3 3 4.27l6.01 6.01V11c0 1.66 1.33 3 2.99 3 .22 0 .44-.03.65-.08l1.66 1.66c-.71.33-1.5.52-2.31.52-2.76 0-5.3-2.1-5.3-5.1H5c0 3.41 2.72 6.23 6 6.72V21h2v-3.28c.91-.13 1.77-.45 2.54-.9L19.73 21 21 19.73 4.27 3z'

/** One participant: video, or their avatar and name when the camera is off; a muted mark; the
 * active speaker outlined; a button to enlarge the tile (spotlight). */
function Tile(props: {
  id: string; name: string; label: string; stream: MediaStream | null; self?: boolean; videoOn: boolean; micOn: boolean
  speaking: boolean; spotlight: boolean; onSpotlight: () => void; connection?: string
}) {
  return (
    <figure
      class={`tile ${props.self ? 'me' : ''} ${props.speaking ? 'speaking' : ''} ${props.spotlight ? 'spotlight' : ''}`}
      data-peer={props.self ? undefined : props.id}
      data-connection={props.connection}
      role="group"
      aria-label={props.label}
    >
      <Video stream={props.stream} muted={props.self} label={props.self ? 'Your camera' : `${props.name}'s video`} hidden={!props.videoOn} />
      <Show when={!props.videoOn}>
        <div class="tile-placeholder" role="img" aria-label={`${props.label} (camera off)`}>
          <Avatar name={props.name} id={props.id} url={avatarOf({ id: props.id })} size={props.spotlight ? 96 : 56} />
          <span class="tile-name">{props.name}</span>
        </div>
      </Show>
      <figcaption>
        <Show when={!props.micOn}>
          <span class="mic-off" role="img" aria-label="muted" title="Muted"><svg viewBox="0 0 24 24" width="14" height="14" aria-hidden="true"><path fill="currentColor" d={MIC_OFF} /></svg></span>
        </Show>
        {props.label}
        <Show when={props.speaking}><span class="sr-only"> (speaking)</span></Show>
        <Show when={props.connection && props.connection !== 'connected'}> <span class="muted small">({props.connection})</span></Show>
      </figcaption>
      <button type="button" class="tile-spot" aria-pressed={props.spotlight} aria-label={props.spotlight ? `Show ${props.label} smaller` : `Enlarge ${props.label}`} title={props.spotlight ? 'Smaller' : 'Enlarge'} onClick={() => props.onSpotlight()}>
        <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true"><path fill="currentColor" d={props.spotlight ? 'M5 16h3v3h2v-5H5v2zm3-8H5v2h5V5H8v3zm6 11h2v-3h3v-2h-5v5zm2-11V5h-2v5h5V8h-3z' : 'M7 14H5v5h5v-2H7v-3zm-2-4h2V7h3V5H5v5zm12 7h-3v2h5v-5h-2v3zM14 5v2h3v3h2V5h-5z'} /></svg>
      </button>
    </figure>
  )
}

export function CallPanel(props: { roomId: string; onPeople?: (ids: ReadonlySet<string>) => void }) {
  const self = me()!
  const [people, setPeople] = createSignal<{ id: string; displayName: string }[]>([])
  const [inCall, setInCall] = createSignal(false)
  const [joining, setJoining] = createSignal(false)
  const [error, setError] = createSignal<unknown>(null)
  const [local, setLocal] = createSignal<MediaStream | null>(null)
  const [micOn, setMicOn] = createSignal(true)
  const [camOn, setCamOn] = createSignal(true)
  const [mesh, setMesh] = createSignal<Mesh | null>(null)
  const [spotlight, setSpotlight] = createSignal<string | null>(null)
  let stopSignals: (() => void) | null = null
  let meter: ReturnType<typeof createSpeakingMeter> | null = null
  const [speakerTick, setSpeakerTick] = createSignal(0)
  // the meters follow every stream of the call (and our microphone while it is on)
  createEffect(() => {
    const m = mesh()
    if (!m || !meter) return
    meter.watch(self.id, local(), micOn())
    const ids = new Set<string>()
    for (const p of m.list()) {
      ids.add(p.userId)
      meter.watch(p.userId, p.stream())
    }
    setSpeakerTick((n) => n + 1)
  })
  const speaking = (id: string) => {
    speakerTick()
    return !!meter && meter.speaker() === id
  }
  // the tiles' spotlight: Escape puts it back while the focus is in the call
  const onEscape = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && spotlight() && (e.target as HTMLElement | null)?.closest?.('.call')) setSpotlight(null)
  }
  window.addEventListener('keydown', onEscape)
  onCleanup(() => window.removeEventListener('keydown', onEscape))
  const toggleSpot = (id: string) => setSpotlight((s) => (s === id ? null : id))

  const [initial, { refetch }] = createResource(() => props.roomId, (roomId) => query(CallParticipants, { roomId }).then((d) => d.callParticipants))
  createEffect(() => { const l = latestOf(initial); if (l) setPeople(l) })
  // the member list marks who is in the call
  createEffect(() => props.onPeople?.(new Set(people().map((p) => p.id))))
  // only the people the call lists may signal our connections open (see Mesh.setParticipants)
  createEffect(() => { const ids = people().map((p) => p.id); mesh()?.setParticipants(ids) })
  createEffect(on(connEpoch, () => void refetch(), { defer: true }))

  const stopChanges = live(CallChangedLive, () => ({ roomId: props.roomId }), {
    next: (d) => {
      const ev = d.callChanged
      setPeople(ev.participants)
      // someone left (or their last socket closed): their connection is over
      if (!ev.joined) mesh()?.drop(ev.user.id)
    },
    error: (e) => console.warn('callChanged refused', e),
  })

  async function join() {
    if (joining()) return
    setJoining(true)
    setError(null)
    let stream: MediaStream | null = null
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 360 } })
    } catch {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ audio: true })
        toast('No camera available: joining with audio only')
      } catch {
        toast('No camera or microphone: you can watch and listen')
      }
    }
    // signals from someone the call does not list ask for a fresh list, at most every 2 s
    let askedAt = 0
    const m = new Mesh(props.roomId, self.id, stream, await rtcConfiguration(), () => {
      if (Date.now() - askedAt < 2000) return
      askedAt = Date.now()
      void refetch()
    })
    m.setParticipants(people().map((p) => p.id))
    setLocal(stream)
    setMicOn(!!stream?.getAudioTracks().length)
    setCamOn(!!stream?.getVideoTracks().length)
    m.setMedia({ mic: micOn(), cam: camOn() })
    // joining is a click: the audio context for the speaking meters may start now
    meter = createSpeakingMeter()
    setMesh(m)
    // listen for offers before announcing ourselves, so none is missed
    stopSignals = live(SignalsLive, () => ({ roomId: props.roomId }), {
      next: (d) => m.onSignal(d.signalReceived.from.id, d.signalReceived.kind, d.signalReceived.payload),
      error: (e) => setError(e),
    })
    try {
      const already = await mutate(JoinCall, { roomId: props.roomId })
      setInCall(true)
      m.setParticipants([...people().map((p) => p.id), ...already.joinCall.map((u) => u.id)])
      // the newcomer offers to everyone already there; they answer
      for (const u of already.joinCall) m.connect(u.id)
    } catch (e) {
      setError(e)
      teardown(false)
    } finally {
      setJoining(false)
    }
  }

  function teardown(sayGoodbye: boolean) {
    stopSignals?.()
    stopSignals = null
    mesh()?.close(sayGoodbye)
    meter?.stop()
    meter = null
    setSpotlight(null)
    setMesh(null)
    local()?.getTracks().forEach((t) => t.stop())
    setLocal(null)
    setInCall(false)
  }

  async function hangUp() {
    teardown(true)
    try {
      await mutate(LeaveCall, { roomId: props.roomId })
    } catch (e) {
      setError(e)
    }
  }

  // leaving the room's page ends the call: the user is asked first (a link, Ctrl+K, Back)
  const unguard = guardNavigation((to) => {
    if (!inCall()) return true
    if (match('/rooms/:id', to.split('?')[0])?.id === props.roomId) return true
    return window.confirm('Leave the call? Going to another page hangs up.')
  })
  onCleanup(() => {
    unguard()
    stopChanges()
    if (inCall()) {
      teardown(true)
      void mutate(LeaveCall, { roomId: props.roomId }).catch(() => {})
    }
  })

  const toggle = (kind: 'audio' | 'video') => {
    const tracks = kind === 'audio' ? local()?.getAudioTracks() : local()?.getVideoTracks()
    if (!tracks?.length) return
    const on = !tracks[0].enabled
    tracks.forEach((t) => (t.enabled = on))
    if (kind === 'audio') setMicOn(on)
    else setCamOn(on)
    mesh()?.setMedia({ mic: micOn(), cam: camOn() })
  }

  const others = () => people().filter((p) => p.id !== self.id)
  const nameFor = (id: string) => {
    const p = people().find((x) => x.id === id)
    return p ? nameOf(p) : 'Participant'
  }

  return (
    // Start call / Join call give way to the call's controls, Hang up to Start call: the focus
    // follows (lib/focusKeeper.ts)
    <section class={`call ${inCall() ? 'active' : ''}`} aria-label="Call" data-refocus=".call-controls button, .call-bar button">
      <Show when={inCall()} fallback={
        <div class="call-bar">
          <span class="muted small">
            {others().length ? `In the call: ${others().map((p) => nameOf(p)).join(', ')}` : 'No one is in the call.'}
          </span>
          <button type="button" class="btn small" aria-disabled={joining()} onClick={() => void join()}>
            {joining() ? 'Joining…' : others().length ? 'Join call' : 'Start call'}
          </button>
        </div>
      }>
        <div class={`tiles ${spotlight() ? 'has-spotlight' : ''}`}>
          <Tile id={self.id} name={nameOf(self)} label="You" stream={local()} self videoOn={!!local()?.getVideoTracks().length && camOn()} micOn={micOn()}
            speaking={speaking(self.id)} spotlight={spotlight() === self.id} onSpotlight={() => toggleSpot(self.id)} />
          <For each={mesh()?.list() ?? []}>
            {(p: Peer) => (
              <Tile id={p.userId} name={nameFor(p.userId)} label={nameFor(p.userId)} stream={p.stream()} connection={p.state()}
                videoOn={!!p.stream()?.getVideoTracks().length && p.media().cam} micOn={p.media().mic}
                speaking={speaking(p.userId)} spotlight={spotlight() === p.userId} onSpotlight={() => toggleSpot(p.userId)} />
            )}
          </For>
        </div>
        <div class="call-controls row wrap">
          {/* each label says what a press does ("Unmute" while muted): no aria-pressed, which read
              "Unmute, pressed" as if the microphone were on */}
          <button type="button" class={`btn small ${micOn() ? '' : 'active'}`} disabled={!local()?.getAudioTracks().length} onClick={() => toggle('audio')}>{micOn() ? 'Mute' : 'Unmute'}</button>
          <button type="button" class={`btn small ${camOn() ? '' : 'active'}`} disabled={!local()?.getVideoTracks().length} onClick={() => toggle('video')}>{camOn() ? 'Camera off' : 'Camera on'}</button>
          <button type="button" class="btn small danger" onClick={() => void hangUp()}>Hang up</button>
        </div>
      </Show>
      <Show when={error()}><ErrorBox error={error()} /></Show>
    </section>
  )
}
