// Alerts for a user who is looking elsewhere: the browser's Notification API (asked for only from
// a button, never on load) and a short sound, each of which the user can turn off. Preferences
// live in localStorage on this device.
import { createSignal } from 'solid-js'
import { navigate } from '../../lib/router'

interface Prefs { desktop: boolean; sound: boolean }
const KEY = 'hearth.alerts'

function loadPrefs(): Prefs {
  try {
    const p = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Prefs>
    return { desktop: p.desktop !== false, sound: p.sound !== false }
  } catch {
    return { desktop: true, sound: true }
  }
}

const [prefs, setPrefsSignal] = createSignal<Prefs>(loadPrefs())
export { prefs as alertPrefs }
export function setAlertPrefs(patch: Partial<Prefs>) {
  const next = { ...prefs(), ...patch }
  setPrefsSignal(next)
  try { localStorage.setItem(KEY, JSON.stringify(next)) } catch { /* private mode: this page only */ }
}

export const notificationsSupported = () => typeof window !== 'undefined' && 'Notification' in window
const [permission, setPermission] = createSignal<NotificationPermission | 'unsupported'>(notificationsSupported() ? Notification.permission : 'unsupported')
export { permission as notificationPermission }

/** only from a user action (a button): browsers ignore or punish a prompt on load */
export async function enableDesktopNotifications(): Promise<void> {
  if (!notificationsSupported()) return
  const p = await Notification.requestPermission()
  setPermission(p)
  if (p === 'granted') setAlertPrefs({ desktop: true })
}

// the sound: a short two-tone chime made with Web Audio. The context is made on the first user
// gesture, since browsers keep one made earlier suspended.
let audio: AudioContext | null = null
function unlockAudio() {
  if (audio) return
  try { audio = new AudioContext() } catch { audio = null }
}
if (typeof window !== 'undefined') {
  window.addEventListener('pointerdown', unlockAudio, { once: true, capture: true })
  window.addEventListener('keydown', unlockAudio, { once: true, capture: true })
}
function chime() {
  if (!audio || audio.state !== 'running') return
  const t = audio.currentTime
  for (const [i, f] of [880, 1320].entries()) {
    const osc = audio.createOscillator()
    const gain = audio.createGain()
    osc.frequency.value = f
    gain.gain.setValueAtTime(0.0001, t + i * 0.12)
    gain.gain.exponentialRampToValueAtTime(0.15, t + i * 0.12 + 0.02)
    gain.gain.exponentialRampToValueAtTime(0.0001, t + i * 0.12 + 0.25)
    osc.connect(gain).connect(audio.destination)
    osc.start(t + i * 0.12)
    osc.stop(t + i * 0.12 + 0.3)
  }
}

// one alert per message, whichever feed reports it first (roomActivity or notifications)
const seen: string[] = []

/**
 * Alerts the user about a message while the page is hidden: a desktop notification (when
 * allowed and wanted) and the sound (when wanted). Muted rooms never get here: callers check
 * the room's level. Clicking the notification opens the room.
 */
export function desktopAlert(a: { key: string; title: string; body: string; roomId?: string | null }) {
  if (document.visibilityState === 'visible') return
  if (seen.includes(a.key)) return
  seen.push(a.key)
  if (seen.length > 200) seen.shift()
  if (prefs().sound) chime()
  if (!prefs().desktop || !notificationsSupported() || Notification.permission !== 'granted') return
  try {
    const n = new Notification(a.title, { body: a.body.slice(0, 200), tag: a.key })
    n.onclick = () => {
      window.focus()
      if (a.roomId) navigate(`/rooms/${a.roomId}`)
      n.close()
    }
  } catch {
    /* some browsers allow notifications from a service worker only */
  }
}

/** the room name the tab title shows (set by the room view, previews included) */
const [roomName, setRoomName] = createSignal<string | null>(null)
export { roomName as titleRoomName, setRoomName as setTitleRoomName }

export function titleText(unread: number, room: string | null): string {
  return `${unread > 0 ? `(${unread}) ` : ''}${room ? `${room} · ` : ''}Hearth`
}
