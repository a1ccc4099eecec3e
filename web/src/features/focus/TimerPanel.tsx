import { createEffect, createResource, createSignal, on, onCleanup, Show } from 'solid-js'
import { graphql } from '../../gql'
import type { TimerFieldsFragment } from '../../gql/graphql'
import { connEpoch, live, mutate, query } from '../../lib/client'
import { ErrorBox, Loading, useAction } from '../../components/ui'

graphql(`
  fragment TimerFields on RoomTimer {
    roomId
    phase
    focusMinutes
    breakMinutes
    phaseStartedAt
    phaseEndsAt
    remainingSeconds
    serverTime
    cycle
    startedBy { id displayName }
  }
`)

const RoomTimerQuery = graphql(`
  query RoomTimer($id: ID!) {
    room(id: $id) { id timer { ...TimerFields } }
  }
`)

const RoomTimerLive = graphql(`
  subscription RoomTimerLive($roomId: ID!) {
    roomTimer(roomId: $roomId) { ...TimerFields }
  }
`)

const StartTimer = graphql(`
  mutation StartRoomTimer($roomId: ID!, $focusMinutes: Int, $breakMinutes: Int) {
    startRoomTimer(roomId: $roomId, focusMinutes: $focusMinutes, breakMinutes: $breakMinutes) { ...TimerFields }
  }
`)
const PauseTimer = graphql(`
  mutation PauseRoomTimer($roomId: ID!) { pauseRoomTimer(roomId: $roomId) { ...TimerFields } }
`)
const ResumeTimer = graphql(`
  mutation ResumeRoomTimer($roomId: ID!) { resumeRoomTimer(roomId: $roomId) { ...TimerFields } }
`)
const StopTimer = graphql(`
  mutation StopRoomTimer($roomId: ID!) { stopRoomTimer(roomId: $roomId) { ...TimerFields } }
`)

interface Shown { timer: TimerFieldsFragment; skewMs: number }

function formatClock(totalSeconds: number): string {
  const s = Math.max(0, Math.ceil(totalSeconds))
  const m = Math.floor(s / 60)
  return `${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`
}

/**
 * The room's shared pomodoro, as state: one query and one subscription per room view, shared by
 * the side panel and the compact countdown of the room header. The countdown is computed from the
 * server's phaseEndsAt and serverTime (corrected for this device's clock skew), so every member
 * sees the same second.
 */
export function createRoomTimer(roomId: string) {
  const [shown, setShown] = createSignal<Shown | null>(null)
  const [now, setNow] = createSignal(Date.now())
  // what the inputs hold, as typed; the timer starts only with whole minutes in range
  const [focusText, setFocusText] = createSignal('25')
  const [breakText, setBreakText] = createSignal('5')
  const minutes = (text: string, max: number) => (/^\d+$/.test(text.trim()) && +text >= 1 && +text <= max ? +text : null)
  const focusMin = () => minutes(focusText(), 180)
  const breakMin = () => minutes(breakText(), 60)

  const accept = (t: TimerFieldsFragment | null | undefined) => {
    if (!t) return setShown(null)
    // a stopped timer offers its last lengths again, so the clock and the inputs agree
    if (t.phase === 'STOPPED') { setFocusText(String(t.focusMinutes)); setBreakText(String(t.breakMinutes)) }
    // serverTime is when the server produced this value; taking it as "now" bounds the error by the latency
    setShown({ timer: t, skewMs: Date.parse(t.serverTime) - Date.now() })
  }
  const [initial, { refetch }] = createResource(() => roomId, (id) => query(RoomTimerQuery, { id }).then((d) => d.room?.timer ?? null))
  createEffect(() => { if (initial.state === 'ready') accept(initial()) })
  // events missed while the socket was down: read the state again
  createEffect(on(connEpoch, () => void refetch(), { defer: true }))
  const stop = live(RoomTimerLive, () => ({ roomId }), { next: (d) => accept(d.roomTimer), error: (e) => console.warn('roomTimer refused', e) })
  const tick = setInterval(() => setNow(Date.now()), 250)
  onCleanup(() => { stop(); clearInterval(tick) })

  const remaining = () => {
    const s = shown()
    const t = s?.timer
    if (!s || !t || t.phase === 'STOPPED') return (focusMin() ?? 25) * 60
    if (t.phaseEndsAt && (t.phase === 'FOCUS' || t.phase === 'BREAK')) return (Date.parse(t.phaseEndsAt) - (now() + s.skewMs)) / 1000
    return t.remainingSeconds
  }
  const phase = () => shown()?.timer.phase ?? 'STOPPED'
  const running = () => phase() === 'FOCUS' || phase() === 'BREAK'
  const label = () => ({ FOCUS: 'Focus', BREAK: 'Break', PAUSED: 'Paused', STOPPED: 'Not running' })[phase()]

  const act = useAction(async (kind: 'start' | 'pause' | 'resume' | 'stop') => {
    if (kind === 'start') accept((await mutate(StartTimer, { roomId, focusMinutes: focusMin() ?? 25, breakMinutes: breakMin() ?? 5 })).startRoomTimer)
    if (kind === 'pause') accept((await mutate(PauseTimer, { roomId })).pauseRoomTimer)
    if (kind === 'resume') accept((await mutate(ResumeTimer, { roomId })).resumeRoomTimer)
    if (kind === 'stop') accept((await mutate(StopTimer, { roomId })).stopRoomTimer)
  })
  return { shown, initial, refetch, focusText, setFocusText, breakText, setBreakText, focusMin, breakMin, remaining, phase, running, label, act }
}
export type RoomTimerState = ReturnType<typeof createRoomTimer>

/** The room header's countdown on phones: always in sight, the full panel stays in the drawer. */
export function CompactTimer(props: { timer: RoomTimerState; onOpen?: () => void }) {
  const t = props.timer
  return (
    <button type="button" class={`compact-timer phase-${t.phase().toLowerCase()}`} data-testid="timer-compact" onClick={() => props.onOpen?.()}
      aria-label={`Focus timer, ${t.label()}: ${formatClock(t.remaining())} left. Show timer`}>
      <span class="compact-phase" aria-hidden="true">{t.label()}</span>
      <span class="compact-clock" aria-hidden="true">{formatClock(t.remaining())}</span>
    </button>
  )
}

/** The room's shared pomodoro: clock, start form and controls. */
export function TimerPanel(props: { roomId: string; timer?: RoomTimerState }) {
  const { shown, initial, refetch, focusText, setFocusText, breakText, setBreakText, focusMin, breakMin, remaining, phase, running, label, act } = props.timer ?? createRoomTimer(props.roomId)

  return (
    <section class={`timer phase-${phase().toLowerCase()}`} aria-labelledby="timer-title">
      <h2 id="timer-title">Focus timer</h2>
      <Show when={initial.state !== 'pending' || shown()} fallback={<Loading label="Loading timer…" />}>
        <Show when={!initial.error} fallback={<ErrorBox error={initial.error} retry={refetch} />}>
          <p class="timer-phase" data-testid="timer-phase">{label()}</p>
          <p class="timer-clock" role="timer" aria-label={`${label()}: ${formatClock(remaining())} left`} data-testid="timer-clock">{formatClock(remaining())}</p>
          <Show when={shown()?.timer.phase !== 'STOPPED' && shown()}>
            {/* cycle counts completed focus phases: the break after round 1 is still round 1 */}
            {(s) => <p class="muted small">Round {s().timer.phase === 'BREAK' ? s().timer.cycle : s().timer.cycle + 1} · {s().timer.focusMinutes}/{s().timer.breakMinutes} min{s().timer.startedBy ? ` · started by ${s().timer.startedBy!.displayName}` : ''}</p>}
          </Show>
          <Show when={phase() === 'STOPPED'}>
            <form class="row wrap timer-form" onSubmit={(e) => { e.preventDefault(); void act.run('start') }}>
              <label class="field small-field">
                <span>Focus minutes</span>
                <input type="number" min="1" max="180" step="1" value={focusText()} onInput={(e) => setFocusText(e.currentTarget.value)} aria-invalid={focusMin() === null} />
                <Show when={focusMin() === null}><small class="field-error">1 to 180 minutes</small></Show>
              </label>
              <label class="field small-field">
                <span>Break minutes</span>
                <input type="number" min="1" max="60" step="1" value={breakText()} onInput={(e) => setBreakText(e.currentTarget.value)} aria-invalid={breakMin() === null} />
                <Show when={breakMin() === null}><small class="field-error">1 to 60 minutes</small></Show>
              </label>
              <button type="submit" class="btn primary" disabled={act.busy() || focusMin() === null || breakMin() === null}>Start timer</button>
            </form>
          </Show>
          <div class="row wrap">
            <Show when={running()}><button type="button" class="btn small" disabled={act.busy()} onClick={() => void act.run('pause')}>Pause</button></Show>
            <Show when={phase() === 'PAUSED'}><button type="button" class="btn small primary" disabled={act.busy()} onClick={() => void act.run('resume')}>Resume</button></Show>
            <Show when={phase() !== 'STOPPED'}><button type="button" class="btn small danger" disabled={act.busy()} onClick={() => void act.run('stop')}>Stop timer</button></Show>
          </div>
          <Show when={act.error()}><ErrorBox error={act.error()} /></Show>
        </Show>
      </Show>
    </section>
  )
}
