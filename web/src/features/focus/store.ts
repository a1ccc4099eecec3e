// The app-wide side of focus rooms. A member whose room has a round going stays present in it
// (this keeps a roomTimer subscription open, which is what presence is) while they use other
// pages of the app, until they leave the room, the timer stops, or they choose "Leave focus".
// It also owns the alerts at each phase change (a WebAudio chime, a browser notification), the
// countdown in the tab title and the count of notifications held while focusing.
// The shell can show the countdown anywhere with `countdown()` (and `formatClock`).
import { createEffect, createRoot, createSignal, on, onCleanup, untrack } from 'solid-js'
import type { TimerFieldsFragment } from '../../gql/graphql'
import { live, mutate, query } from '../../lib/client'
import { me } from '../../lib/session'
import { FocusMe, RoomTimerLive, RoomTimerQuery, SetNotificationHold } from './docs'

export type Timer = TimerFieldsFragment
interface Known { timer: Timer; skewMs: number }

export function formatClock(totalSeconds: number): string {
  const s = Math.max(0, Math.ceil(totalSeconds))
  const m = Math.floor(s / 60)
  return `${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`
}

/** the round a phase belongs to: cycle counts completed focus phases, so the break after round 1 is still round 1 */
export function roundOf(t: Timer): number {
  const inBreak = t.phase === 'BREAK' || (t.phase === 'PAUSED' && pausedFrom.get(t.roomId) === 'BREAK')
  return inBreak ? t.cycle : t.cycle + 1
}
/** the phase a paused timer was in, as last seen (the API does not say) */
const pausedFrom = new Map<string, Timer['phase']>()
export const phaseLabel = (p: Timer['phase']) => ({ FOCUS: 'Focus', BREAK: 'Break', PAUSED: 'Paused', STOPPED: 'Not running' })[p]

const [known, setKnown] = createSignal<Record<string, Known>>({})
const [now, setNow] = createSignal(Date.now())
// the kept room outlives a reload of the tab (sessionStorage): a reload mid-round dropped the
// user from the round until they happened to open the room again
const KEPT_KEY = 'hearth.focus.kept'
const [kept, setKeptSignal] = createSignal<{ roomId: string; name: string } | null>((() => {
  try {
    const v = JSON.parse(sessionStorage.getItem(KEPT_KEY) ?? 'null') as unknown
    return v && typeof (v as { roomId?: unknown }).roomId === 'string' && typeof (v as { name?: unknown }).name === 'string' ? v as { roomId: string; name: string } : null
  } catch { return null }
})())
function setKept(v: { roomId: string; name: string } | null) {
  setKeptSignal(v)
  try {
    if (v) sessionStorage.setItem(KEPT_KEY, JSON.stringify(v)); else sessionStorage.removeItem(KEPT_KEY)
  } catch { /* storage off: kept for this page only */ }
}
const [soundOn, setSoundOnSignal] = createSignal(localStorage.getItem('hearth.focus.sound') !== 'off')
const [permission, setPermission] = createSignal<NotificationPermission | 'unsupported'>(typeof Notification === 'undefined' ? 'unsupported' : Notification.permission)
const [held, setHeld] = createSignal<{ count: number; hold: boolean } | null>(null)

export { kept as keptRoom, soundOn, permission as notificationPermission, held }

export function setSoundOn(on: boolean) {
  localStorage.setItem('hearth.focus.sound', on ? 'on' : 'off')
  setSoundOnSignal(on)
  if (on) unlockAudio()
}

/** asks for the browser's permission to notify: call it from a click */
export async function askNotifications() {
  if (typeof Notification === 'undefined') return
  setPermission(await Notification.requestPermission())
}

/** seconds left in the timer's phase, on the server's clock (corrected for this device's skew) */
export function secondsLeft(k: Known | undefined, at = now()): number {
  const t = k?.timer
  if (!k || !t || t.phase === 'STOPPED') return 0
  if (t.phaseEndsAt && (t.phase === 'FOCUS' || t.phase === 'BREAK')) return Math.max(0, (Date.parse(t.phaseEndsAt) - (at + k.skewMs)) / 1000)
  return t.remainingSeconds
}

export function timerOf(roomId: string): Known | undefined { return known()[roomId] }
export function secondsLeftIn(roomId: string): number { return secondsLeft(known()[roomId]) }

/** The kept room's countdown: what a compact timer shows (null when no round is kept). */
export function countdown(): { roomId: string; roomName: string; phase: Timer['phase']; round: number; seconds: number; text: string } | null {
  const k = kept()
  const s = k && known()[k.roomId]
  if (!k || !s || s.timer.phase === 'STOPPED') return null
  const seconds = secondsLeft(s)
  return { roomId: k.roomId, roomName: k.name, phase: s.timer.phase, round: roundOf(s.timer), seconds, text: formatClock(seconds) }
}

/**
 * Whether the server holds the user's notifications now, as far as this page can tell: hold is on
 * (the server's default) and a round is in its focus phase in the room kept for the user or the
 * room on screen (both keep them present there). Desktop alerts follow the same hold as the list.
 */
export function holdingNotifications(roomOnScreen: string | null): boolean {
  if (held()?.hold === false) return false
  const c = countdown()
  if (c?.phase === 'FOCUS' && c.seconds > 0) return true
  const k = roomOnScreen ? known()[roomOnScreen] : undefined
  return !!k && k.timer.phase === 'FOCUS' && secondsLeft(k) > 0
}

// ---- alerts ----

let audio: AudioContext | null = null
function unlockAudio() {
  try {
    audio ??= new AudioContext()
    if (audio.state === 'suspended') void audio.resume()
  } catch { /* no WebAudio: no chime */ }
}
// browsers let sound start only after a user gesture: the first one unlocks it
if (typeof document !== 'undefined') document.addEventListener('pointerdown', () => { if (soundOn()) unlockAudio() }, { once: true })

function chime(toBreak: boolean) {
  if (!soundOn() || !audio) return
  const t0 = audio.currentTime
  // two soft sine notes: falling into a break, rising back to focus
  const notes = toBreak ? [784, 587] : [587, 784]
  notes.forEach((f, i) => {
    const o = audio!.createOscillator()
    const g = audio!.createGain()
    o.type = 'sine'
    o.frequency.value = f
    g.gain.setValueAtTime(0.0001, t0 + i * 0.25)
    g.gain.exponentialRampToValueAtTime(0.2, t0 + i * 0.25 + 0.02)
    g.gain.exponentialRampToValueAtTime(0.0001, t0 + i * 0.25 + 0.6)
    o.connect(g).connect(audio!.destination)
    o.start(t0 + i * 0.25)
    o.stop(t0 + i * 0.25 + 0.65)
  })
}

function alertPhase(roomId: string, t: Timer) {
  const toBreak = t.phase === 'BREAK'
  chime(toBreak)
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return
  const room = kept()?.roomId === roomId ? kept()!.name : 'your room'
  const title = toBreak ? `Break: round ${t.cycle} done` : `Focus: round ${t.cycle + 1}`
  const body = toBreak ? `${t.breakMinutes} minutes of break in ${room}.` : `${t.focusMinutes} minutes of focus in ${room}.`
  try {
    new Notification(title, { body, tag: `hearth-focus-${roomId}` })
  } catch { /* some browsers only notify through a service worker */ }
}

/**
 * Takes the latest state of a room's timer (from any feed or answer). A change between FOCUS and
 * BREAK (the clock moving on) alerts once, however many feeds report it.
 */
export function acceptTimer(t: Timer | null | undefined, roomId: string) {
  // called from effects: what it reads must not make them run again
  untrack(() => acceptUntracked(t, roomId))
}

function acceptUntracked(t: Timer | null | undefined, roomId: string) {
  const prev = known()[roomId]?.timer
  if (!t) {
    setKnown((m) => { const { [roomId]: _, ...rest } = m; return rest })
    return
  }
  if (t.phase === 'PAUSED' && prev && prev.phase !== 'PAUSED') pausedFrom.set(roomId, prev.phase)
  setKnown((m) => ({ ...m, [roomId]: { timer: t, skewMs: Date.parse(t.serverTime) - Date.now() } }))
  const moved = prev && (prev.phase === 'FOCUS' || prev.phase === 'BREAK') && (t.phase === 'FOCUS' || t.phase === 'BREAK') && (prev.phase !== t.phase || prev.cycle !== t.cycle)
  if (moved && kept()?.roomId === roomId) {
    alertPhase(roomId, t)
    void refreshHeld()
  }
  if (t.phase === 'STOPPED' && kept()?.roomId === roomId) setKept(null)
}

/** Keeps the user present in the room (a round of theirs is going) until released. */
export function keepRoom(roomId: string, name: string) {
  const k = untrack(kept)
  if (k?.roomId === roomId && k.name === name) return
  setKept({ roomId, name })
}

export function releaseRoom(roomId?: string) {
  if (!roomId || kept()?.roomId === roomId) setKept(null)
}

export async function refreshHeld() {
  try {
    const d = await query(FocusMe, {})
    if (d.me) setHeld({ count: d.me.heldNotificationCount ?? 0, hold: d.me.holdNotificationsWhileFocusing ?? true })
  } catch { /* shown next time */ }
}

export async function setHold(enabled: boolean) {
  const d = await mutate(SetNotificationHold, { enabled })
  setHeld({ count: d.setNotificationHold.heldNotificationCount ?? 0, hold: d.setNotificationHold.holdNotificationsWhileFocusing ?? enabled })
}

const TITLE_SEP = ' · '
let titlePrefix = ''

createRoot(() => {
  const tick = setInterval(() => setNow(Date.now()), 250)
  onCleanup(() => clearInterval(tick))

  // the kept room's timer feed: this is what keeps the user present there app-wide
  createEffect(on(() => (me() ? kept()?.roomId : undefined), (roomId) => {
    if (!roomId) return
    const stop = live(RoomTimerLive, () => ({ roomId }), {
      next: (d) => acceptTimer(d.roomTimer, roomId),
      // the server ends the feed when the user left the room (or it was deleted)
      complete: () => releaseRoom(roomId),
      error: () => releaseRoom(roomId),
    })
    // the round as it is now (after a reload the feed alone would say nothing until the next change)
    if (!untrack(() => known()[roomId])) {
      query(RoomTimerQuery, { id: roomId }).then((d) => {
        const t = d.room?.timer
        if (!t) releaseRoom(roomId)
        else acceptTimer(t, roomId)
      }, () => { /* the feed's events still come */ })
    }
    void refreshHeld()
    // held notifications are counted by the server; look again now and then while focusing
    const poll = setInterval(() => { if (countdown()?.phase === 'FOCUS') void refreshHeld() }, 15_000)
    onCleanup(() => { stop(); clearInterval(poll) })
  }))
  createEffect(on(() => me(), (m) => { if (!m) setKept(null) }, { defer: true }))

  // the countdown in the tab title while the timer runs (whatever else sets the title keeps its part)
  createEffect(() => {
    const c = countdown()
    const running = c && (c.phase === 'FOCUS' || c.phase === 'BREAK')
    const next = running ? `${c.text} ${phaseLabel(c.phase)}${TITLE_SEP}` : ''
    const base = titlePrefix && document.title.startsWith(titlePrefix) ? document.title.slice(titlePrefix.length) : document.title
    titlePrefix = next
    if (document.title !== next + base) document.title = next + base
  })
})
