// Who is speaking in a call: one WebAudio AnalyserNode per participant's audio, read a few times a
// second; the loudest voice above a threshold is the active speaker (held briefly, so that the
// highlight does not flicker between words).
import { createSignal } from 'solid-js'

const THRESHOLD = 0.02 // RMS of the waveform, 0..1
const HOLD_MS = 800

interface Meter { stream: MediaStream; src: MediaStreamAudioSourceNode; analyser: AnalyserNode; buf: Float32Array<ArrayBuffer> }

export function createSpeakingMeter() {
  let ctx: AudioContext | null = null
  const meters = new Map<string, Meter>()
  const [speaking, setSpeaking] = createSignal<ReadonlySet<string>>(new Set())
  const [speaker, setSpeaker] = createSignal<string | null>(null)
  let heardAt = 0

  /** follows one participant's stream (null, or one without audio: nothing to measure) */
  function watch(id: string, stream: MediaStream | null, enabled = true) {
    const old = meters.get(id)
    if (old && old.stream === stream && enabled) return
    if (old) {
      old.src.disconnect()
      meters.delete(id)
    }
    if (!stream || !enabled || !stream.getAudioTracks().length || typeof AudioContext === 'undefined') return
    try {
      ctx ??= new AudioContext()
      if (ctx.state === 'suspended') void ctx.resume()
      const src = ctx.createMediaStreamSource(stream)
      const analyser = ctx.createAnalyser()
      analyser.fftSize = 512
      src.connect(analyser)
      meters.set(id, { stream, src, analyser, buf: new Float32Array(analyser.fftSize) })
    } catch {
      /* no audio graph for this stream: no speaking mark */
    }
  }

  function forget(id: string) {
    watch(id, null)
  }

  const timer = setInterval(() => {
    let loudest: string | null = null
    let max = THRESHOLD
    const now = new Set<string>()
    for (const [id, m] of meters) {
      m.analyser.getFloatTimeDomainData(m.buf)
      let sum = 0
      for (const v of m.buf) sum += v * v
      const rms = Math.sqrt(sum / m.buf.length)
      if (rms > THRESHOLD) now.add(id)
      if (rms > max) { max = rms; loudest = id }
    }
    const before = speaking()
    if (now.size !== before.size || [...now].some((id) => !before.has(id))) setSpeaking(now)
    if (loudest) {
      heardAt = Date.now()
      if (speaker() !== loudest) setSpeaker(loudest)
    } else if (speaker() && Date.now() - heardAt > HOLD_MS) setSpeaker(null)
  }, 150)

  function stop() {
    clearInterval(timer)
    for (const id of [...meters.keys()]) forget(id)
    void ctx?.close().catch(() => {})
    ctx = null
  }

  return { watch, forget, stop, speaker, isSpeaking: (id: string) => speaking().has(id) }
}
