// This device's alert preferences: desktop notifications (the browser is asked only when the
// button is pressed) and the sound, kept in localStorage.
import { Match, Switch } from 'solid-js'
import { alertPrefs, enableDesktopNotifications, notificationPermission, setAlertPrefs } from './alerts'

export function AlertSettings() {
  return (
    <section class="card stack alert-settings" aria-labelledby="alerts-title">
      <h2 id="alerts-title">Alerts on this device</h2>
      <p class="muted small">While Hearth is in a background tab, direct messages and mentions can show as desktop notifications, with a sound. Each room's menu sets what it notifies about.</p>
      <Switch>
        <Match when={notificationPermission() === 'unsupported'}><p class="muted small">This browser has no desktop notifications.</p></Match>
        <Match when={notificationPermission() === 'default'}>
          <div><button type="button" class="btn primary" onClick={() => void enableDesktopNotifications()}>Enable desktop notifications</button></div>
        </Match>
        <Match when={notificationPermission() === 'denied'}><p class="muted small">Desktop notifications are blocked for this site in the browser's settings.</p></Match>
        <Match when={notificationPermission() === 'granted'}>
          <label class="radio"><input type="checkbox" checked={alertPrefs().desktop} onChange={(e) => setAlertPrefs({ desktop: e.currentTarget.checked })} /> Desktop notifications</label>
        </Match>
      </Switch>
      <label class="radio"><input type="checkbox" checked={alertPrefs().sound} onChange={(e) => setAlertPrefs({ sound: e.currentTarget.checked })} /> Play a sound</label>
    </section>
  )
}
