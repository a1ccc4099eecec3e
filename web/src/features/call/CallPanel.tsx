import { createEffect, createResource, createSignal, For, on, onCleanup, Show } from 'solid-js'
import { graphql } from '../../gql'
import { connEpoch, live, mutate, query } from '../../lib/client'
import { me } from '../../lib/session'
import { nameOf } from '../../lib/users'
import { ErrorBox, toast } from '../../components/ui'
import { Mesh, type Peer } from './mesh'

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

function Video(props: { stream: MediaStream | null; muted?: boolean; label: string }) {
  let el: HTMLVideoElement | undefined
  createEffect(() => {
    if (el && el.srcObject !== props.stream) el.srcObject = props.stream
  })
  return <video ref={el} autoplay playsinline muted={props.muted} aria-label={props.label} />
}

export function CallPanel(props: { roomId: string }) {
  const self = me()!
  const [people, setPeople] = createSignal<{ id: string; displayName: string }[]>([])
  const [inCall, setInCall] = createSignal(false)
  const [joining, setJoining] = createSignal(false)
  const [error, setError] = createSignal<unknown>(null)
  const [local, setLocal] = createSignal<MediaStream | null>(null)
  const [micOn, setMicOn] = createSignal(true)
  const [camOn, setCamOn] = createSignal(true)
  const [mesh, setMesh] = createSignal<Mesh | null>(null)
  let stopSignals: (() => void) | null = null

  const [initial, { refetch }] = createResource(() => props.roomId, (roomId) => query(CallParticipants, { roomId }).then((d) => d.callParticipants))
  createEffect(() => { const l = initial.latest; if (l) setPeople(l) })
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

  onCleanup(() => {
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
  }

  const others = () => people().filter((p) => p.id !== self.id)
  const nameFor = (id: string) => {
    const p = people().find((x) => x.id === id)
    return p ? nameOf(p) : 'Participant'
  }

  return (
    <section class={`call ${inCall() ? 'active' : ''}`} aria-label="Call">
      <Show when={inCall()} fallback={
        <div class="call-bar">
          <span class="muted small">
            {others().length ? `In the call: ${others().map((p) => nameOf(p)).join(', ')}` : 'No one is in the call.'}
          </span>
          <button type="button" class="btn small" disabled={joining()} onClick={() => void join()}>
            {joining() ? 'Joining…' : others().length ? 'Join call' : 'Start call'}
          </button>
        </div>
      }>
        <div class="tiles">
          <figure class="tile me">
            <Show when={local()?.getVideoTracks().length && camOn()} fallback={<div class="tile-placeholder" aria-hidden="true">{nameOf(self)}</div>}>
              <Video stream={local()} muted label="Your camera" />
            </Show>
            <figcaption>You{micOn() ? '' : ' (muted)'}</figcaption>
          </figure>
          <For each={mesh()?.list() ?? []}>
            {(p: Peer) => (
              <figure class="tile" data-peer={p.userId} data-connection={p.state()}>
                <Video stream={p.stream()} label={`${nameFor(p.userId)}'s video`} />
                <figcaption>{nameFor(p.userId)} <span class="muted small">{p.state() === 'connected' ? '' : `(${p.state()})`}</span></figcaption>
              </figure>
            )}
          </For>
        </div>
        <div class="call-controls row wrap">
          <button type="button" class={`btn small ${micOn() ? '' : 'active'}`} aria-pressed={!micOn()} disabled={!local()?.getAudioTracks().length} onClick={() => toggle('audio')}>{micOn() ? 'Mute' : 'Unmute'}</button>
          <button type="button" class={`btn small ${camOn() ? '' : 'active'}`} aria-pressed={!camOn()} disabled={!local()?.getVideoTracks().length} onClick={() => toggle('video')}>{camOn() ? 'Camera off' : 'Camera on'}</button>
          <button type="button" class="btn small danger" onClick={() => void hangUp()}>Hang up</button>
        </div>
      </Show>
      <Show when={error()}><ErrorBox error={error()} /></Show>
    </section>
  )
}
