// Shown on every page but the room's own while the focus store keeps the user present in a room
// whose round is going: says so, shows the countdown and held notifications, and lets them go back
// or leave focus (which ends their presence there, and their credit from then on).
import { Show } from 'solid-js'
import { Link } from '../../components/Link'
import { pathname } from '../../lib/router'
import { countdown, held, phaseLabel, releaseRoom } from './store'

export function FocusBar() {
  const c = () => countdown()
  const elsewhere = () => { const x = c(); return x && pathname() !== `/rooms/${x.roomId}` ? x : null }
  return (
    <Show when={elsewhere()}>
      {(x) => (
        <div class={`focus-bar phase-${x().phase.toLowerCase()}`} role="region" aria-label="Focus in progress" data-testid="focus-bar">
          <span>
            Still focusing in <strong>{x().roomName}</strong>: round {x().round}, {phaseLabel(x().phase).toLowerCase()}
            {' '}<span class="focus-bar-clock" role="timer" aria-label={`${x().text} left`}>{x().text}</span>
            <span class="muted small"> · you stay present there while you use other pages</span>
            <Show when={(held()?.count ?? 0) > 0}><span class="tag" data-testid="held-count"> {held()!.count} held</span></Show>
          </span>
          <span class="row">
            <Link href={`/rooms/${x().roomId}`} class="btn small">Back to room</Link>
            <button type="button" class="btn small" onClick={() => releaseRoom(x().roomId)}>Leave focus</button>
          </span>
        </div>
      )}
    </Show>
  )
}
