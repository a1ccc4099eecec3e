// A small-room video call as a mesh: one RTCPeerConnection per other participant, signalled
// through sendSignal / signalReceived, with the "perfect negotiation" pattern so that two peers
// making offers at the same time (glare) settle without a coordinator: the polite side rolls
// back its own offer, the impolite side ignores the colliding one.
import { createSignal, type Accessor } from 'solid-js'
import { graphql } from '../../gql'
import type { SignalKind } from '../../gql/graphql'
import { mutate } from '../../lib/client'

const SendSignal = graphql(`
  mutation SendSignal($input: SendSignalInput!) {
    sendSignal(input: $input) { id }
  }
`)

export interface Peer {
  userId: string
  stream: Accessor<MediaStream | null>
  state: Accessor<RTCPeerConnectionState>
  /** what the peer says of its microphone and camera (over the connection's "state" data channel) */
  media: Accessor<MediaState>
}

/** whether one's microphone and camera are on: a disabled track still sends (silence, black frames) */
export interface MediaState { mic: boolean; cam: boolean }

interface PeerInternal extends Peer {
  pc: RTCPeerConnection
  polite: boolean
  makingOffer: boolean
  ignoreOffer: boolean
  settingRemoteAnswer: boolean
  queue: Promise<void>
  /** candidates that came before any remote description: applied once one is set */
  early: RTCIceCandidateInit[]
  setStream(s: MediaStream | null): void
  setState(s: RTCPeerConnectionState): void
  setMedia(m: MediaState): void
  channel: RTCDataChannel
}

/** signals held per unlisted sender while the participant list catches up, and how many senders */
const PENDING_PER_SENDER = 64
const PENDING_SENDERS = 8
/** tries after the first for a signal that did not go out (0.25 + 0.5 + 1 + 2 s apart) */
const SEND_RETRIES = 4
/** candidates held per peer until its first description is applied */
const EARLY_CANDIDATES = 64

export class Mesh {
  private peers = new Map<string, PeerInternal>()
  /**
   * Who the call lists (joinCall, callParticipants, callChanged). A connection, and with it our
   * camera and microphone, is only ever opened to one of them: a room member outside the call who
   * sends us a signal gets nothing. A newcomer's first signals can arrive before the callChanged
   * that lists them: those wait here (bounded) until the list names the sender, or are dropped.
   */
  private listed = new Set<string>()
  private pending = new Map<string, { kind: SignalKind; payload: string }[]>()
  private readonly peerList = createSignal<Peer[]>([])
  readonly list = this.peerList[0]
  private media: MediaState = { mic: true, cam: true }
  /**
   * The last signal under way to each peer: the next one goes out only after it. Sent side by
   * side, an ICE_CANDIDATE could overtake its OFFER in the server (each send is checked on its
   * own, with reads that finish in any order) and be lost at the peer; seen in CI on PostgreSQL,
   * where both sides of a call then stayed 'new' for good.
   */
  private outbox = new Map<string, Promise<void>>()

  constructor(
    private roomId: string,
    private myId: string,
    private local: MediaStream | null,
    /** from the server's callConfig: STUN/TURN of the deployment (ICE_SERVERS) */
    private rtc: RTCConfiguration = { iceServers: [] },
    /** a signal came from someone the list does not name: the caller may refresh the list */
    private onUnlisted: (userId: string) => void = () => {},
  ) {}

  /** The call's participants now; held signals of newly listed senders are handled in order. */
  setParticipants(ids: Iterable<string>) {
    this.listed = new Set(ids)
    for (const [id, held] of [...this.pending]) {
      if (!this.listed.has(id)) continue
      this.pending.delete(id)
      for (const s of held) this.onSignal(id, s.kind, s.payload)
    }
  }

  isListed(userId: string) {
    return userId !== this.myId && this.listed.has(userId)
  }

  private publish() {
    this.peerList[1]([...this.peers.values()])
  }

  /**
   * A signal that did not go out (the connection dropped, the rate limit, the server not yet
   * counting a newcomer in the call) is tried again a few times while the peer is still there:
   * a lost OFFER or ANSWER leaves both sides waiting on each other for good (seen once in CI: a
   * tile stuck at 'new'). A HANGUP is not retried; the server announces the leave anyway.
   */
  private send(toUserId: string, kind: SignalKind, data: unknown): Promise<void> {
    const next = (this.outbox.get(toUserId) ?? Promise.resolve()).then(() => this.sendNow(toUserId, kind, data))
    this.outbox.set(toUserId, next)
    void next.then(() => { if (this.outbox.get(toUserId) === next) this.outbox.delete(toUserId) })
    return next
  }

  private async sendNow(toUserId: string, kind: SignalKind, data: unknown) {
    const input = { roomId: this.roomId, toUserId, kind, payload: JSON.stringify(data) }
    for (let attempt = 0; ; attempt++) {
      try {
        await mutate(SendSignal, { input })
        return
      } catch (e) {
        if (kind === 'HANGUP' || attempt >= SEND_RETRIES || !this.peers.has(toUserId)) {
          console.warn('signal not sent', e)
          return
        }
        await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt))
      }
    }
  }

  has(userId: string) {
    return this.peers.has(userId)
  }

  /** A connection to one listed peer; adding our tracks makes it negotiate (offer) on its own. */
  connect(userId: string): PeerInternal | null {
    const existing = this.peers.get(userId)
    if (existing) return existing
    if (!this.isListed(userId)) return null
    const pc = new RTCPeerConnection(this.rtc)
    const [stream, setStream] = createSignal<MediaStream | null>(null)
    const [state, setState] = createSignal<RTCPeerConnectionState>(pc.connectionState)
    const [media, setMedia] = createSignal<MediaState>({ mic: true, cam: true })
    // both sides open the same negotiated channel (id 0): no extra signalling; it carries MediaState
    const channel = pc.createDataChannel('state', { negotiated: true, id: 0 })
    channel.onopen = () => channel.send(JSON.stringify(this.media))
    channel.onmessage = (ev) => {
      try {
        const m = JSON.parse(String(ev.data)) as Partial<MediaState>
        if (typeof m.mic === 'boolean' && typeof m.cam === 'boolean') setMedia({ mic: m.mic, cam: m.cam })
      } catch { /* not ours */ }
    }
    const peer: PeerInternal = {
      userId, pc, stream, state, setStream, setState, media, setMedia, channel,
      // both sides derive the same roles from the ids, so exactly one of them is polite
      polite: this.myId > userId,
      makingOffer: false, ignoreOffer: false, settingRemoteAnswer: false,
      queue: Promise.resolve(), early: [],
    }
    this.peers.set(userId, peer)
    pc.onconnectionstatechange = () => setState(pc.connectionState)
    pc.ontrack = (ev) => {
      const s = ev.streams[0] ?? new MediaStream([ev.track])
      setStream(s)
      // a track added later to the same stream still needs the element to notice
      ev.track.onunmute = () => setStream(s)
    }
    pc.onicecandidate = (ev) => {
      if (ev.candidate) void this.send(userId, 'ICE_CANDIDATE', { candidate: ev.candidate.toJSON() })
    }
    pc.onnegotiationneeded = async () => {
      try {
        peer.makingOffer = true
        await pc.setLocalDescription()
        if (pc.localDescription) await this.send(userId, 'OFFER', { description: pc.localDescription.toJSON() })
      } catch (e) {
        console.warn('negotiation failed', e)
      } finally {
        peer.makingOffer = false
      }
    }
    if (this.local) for (const t of this.local.getTracks()) pc.addTrack(t, this.local)
    else {
      // nothing to send (no camera or microphone): still ask to receive both
      pc.addTransceiver('audio', { direction: 'recvonly' })
      pc.addTransceiver('video', { direction: 'recvonly' })
    }
    this.publish()
    return peer
  }

  /** Tells every peer whether our microphone and camera are on. */
  setMedia(m: MediaState) {
    this.media = m
    for (const p of this.peers.values()) if (p.channel.readyState === 'open') p.channel.send(JSON.stringify(m))
  }

  /** Signals from one peer are handled strictly in arrival order. */
  onSignal(fromUserId: string, kind: SignalKind, payload: string) {
    if (kind === 'HANGUP') {
      this.pending.delete(fromUserId)
      return this.drop(fromUserId)
    }
    if (!this.isListed(fromUserId)) {
      if (fromUserId === this.myId) return
      let held = this.pending.get(fromUserId)
      if (!held) {
        if (this.pending.size >= PENDING_SENDERS) return
        this.pending.set(fromUserId, (held = []))
      }
      if (held.length < PENDING_PER_SENDER) held.push({ kind, payload })
      this.onUnlisted(fromUserId)
      return
    }
    const peer = this.connect(fromUserId)
    if (!peer) return
    peer.queue = peer.queue.then(() => this.handle(peer, kind, payload)).catch((e) => console.warn('signal failed', e))
  }

  private async handle(peer: PeerInternal, kind: SignalKind, payload: string) {
    const pc = peer.pc
    const data = JSON.parse(payload) as { description?: RTCSessionDescriptionInit; candidate?: RTCIceCandidateInit }
    if ((kind === 'OFFER' || kind === 'ANSWER') && data.description) {
      const description = data.description
      const readyForOffer = !peer.makingOffer && (pc.signalingState === 'stable' || peer.settingRemoteAnswer)
      const collision = description.type === 'offer' && !readyForOffer
      peer.ignoreOffer = !peer.polite && collision
      if (peer.ignoreOffer) return
      peer.settingRemoteAnswer = description.type === 'answer'
      await pc.setRemoteDescription(description)
      peer.settingRemoteAnswer = false
      // candidates that came first belong to this description or to an offer we ignored
      for (const c of peer.early.splice(0)) await pc.addIceCandidate(c).catch(() => {})
      if (description.type === 'offer') {
        await pc.setLocalDescription()
        if (pc.localDescription) await this.send(peer.userId, 'ANSWER', { description: pc.localDescription.toJSON() })
      }
    } else if (kind === 'ICE_CANDIDATE' && data.candidate) {
      if (!pc.remoteDescription) {
        if (peer.early.length < EARLY_CANDIDATES) peer.early.push(data.candidate)
        return
      }
      try {
        await pc.addIceCandidate(data.candidate)
      } catch (e) {
        // candidates of an offer we ignored fail to apply; that is expected
        if (!peer.ignoreOffer) throw e
      }
    }
  }

  drop(userId: string) {
    const p = this.peers.get(userId)
    if (!p) return
    p.pc.close()
    this.peers.delete(userId)
    this.publish()
  }

  /** Ends every connection and tells the peers at once (the server also announces the leave). */
  close(sayGoodbye: boolean) {
    this.pending.clear()
    for (const id of [...this.peers.keys()]) {
      if (sayGoodbye) void this.send(id, 'HANGUP', {})
      this.drop(id)
    }
  }
}
