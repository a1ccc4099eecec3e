import { createEffect, createResource, createSignal, For, on, onCleanup, Show } from 'solid-js'
import { connEpoch, live, mutate, query } from '../../lib/client'
import { me } from '../../lib/session'
import { ErrorBox, Loading, useAction } from '../../components/ui'
import { PauseTimer, ResumeTimer, RoomTimerLive, RoomTimerQuery, SetFocusGoal, SetFocusGoalDone, StartTimer, StopTimer } from './docs'
import {
  acceptTimer, askNotifications, formatClock, held, keepRoom, keptRoom, notificationPermission, phaseLabel,
  roundOf, secondsLeftIn, setHold, setSoundOn, soundOn, timerOf, type Timer,
} from './store'

const VERB = { STARTED: 'started', PAUSED: 'paused', RESUMED: 'resumed', STOPPED: 'stopped' } as const
const codePoints = (s: string) => [...s].length

/**
 * The room's shared pomodoro. The countdown is computed from the server's phaseEndsAt and
 * serverTime (corrected for this device's clock skew), so every member sees the same second.
 * While a round goes, the focus store keeps the viewer present in the room app-wide.
 */
export function TimerPanel(props: { roomId: string; roomName?: string }) {
  // what the inputs hold, as typed; the timer starts only with whole minutes in range
  const [focusText, setFocusText] = createSignal('25')
  const [breakText, setBreakText] = createSignal('5')
  const [goalText, setGoalText] = createSignal('')
  const [confirmStop, setConfirmStop] = createSignal(false)
  const minutes = (text: string, max: number) => (/^\d+$/.test(text.trim()) && +text >= 1 && +text <= max ? +text : null)
  const focusMin = () => minutes(focusText(), 180)
  const breakMin = () => minutes(breakText(), 60)

  const shown = () => timerOf(props.roomId)?.timer ?? null
  const [loaded, setLoaded] = createSignal(false)
  const accept = (t: Timer | null | undefined) => {
    setLoaded(true)
    // a stopped timer offers its last lengths again, so the clock and the inputs agree
    if (t?.phase === 'STOPPED') { setFocusText(String(t.focusMinutes)); setBreakText(String(t.breakMinutes)) }
    acceptTimer(t ?? null, props.roomId)
    // a round is going: stay present in the room while using other pages
    if (t && t.phase !== 'STOPPED') keepRoom(props.roomId, props.roomName ?? 'this room')
  }
  const [initial, { refetch }] = createResource(() => props.roomId, (id) => query(RoomTimerQuery, { id }).then((d) => d.room?.timer ?? null))
  createEffect(() => { if (initial.state === 'ready') accept(initial()) })
  // events missed while the socket was down: read the state again
  createEffect(on(connEpoch, () => void refetch(), { defer: true }))
  const stop = live(RoomTimerLive, () => ({ roomId: props.roomId }), { next: (d) => accept(d.roomTimer), error: (e) => console.warn('roomTimer refused', e) })
  // who is here and their minutes change without a timer event: look again now and then while a round goes
  const poll = setInterval(() => { if (shown() && phase() !== 'STOPPED') void refetch() }, 30_000)
  onCleanup(() => { stop(); clearInterval(poll) })

  const remaining = () => {
    const t = shown()
    if (!t || t.phase === 'STOPPED') return (focusMin() ?? 25) * 60
    return secondsLeftIn(props.roomId)
  }
  const phase = () => shown()?.phase ?? 'STOPPED'
  const running = () => phase() === 'FOCUS' || phase() === 'BREAK'
  const label = () => phaseLabel(phase())
  const myId = () => me()?.id
  const mine = () => shown()?.participants.find((p) => p.user.id === myId()) ?? null
  const othersFocusing = () => (shown()?.participants ?? []).filter((p) => p.user.id !== myId() && p.presentSince).length
  const goalError = () => {
    const g = goalText().trim()
    return g && codePoints(g) > 140 ? `At most 140 characters (${codePoints(g)} now)` : null
  }

  const act = useAction(async (kind: 'start' | 'pause' | 'resume' | 'stop') => {
    const roomId = props.roomId
    if (kind === 'start') accept((await mutate(StartTimer, { roomId, focusMinutes: focusMin() ?? 25, breakMinutes: breakMin() ?? 5 })).startRoomTimer)
    if (kind === 'pause') accept((await mutate(PauseTimer, { roomId })).pauseRoomTimer)
    if (kind === 'resume') accept((await mutate(ResumeTimer, { roomId })).resumeRoomTimer)
    if (kind === 'stop') { setConfirmStop(false); accept((await mutate(StopTimer, { roomId })).stopRoomTimer) }
  })
  const goal = useAction(async (text: string | null) => {
    accept((await mutate(SetFocusGoal, { roomId: props.roomId, goal: text })).setFocusGoal)
    setGoalText('')
  })
  const done = useAction(async (d: boolean) => accept((await mutate(SetFocusGoalDone, { roomId: props.roomId, done: d })).setFocusGoalDone))
  // a phase ending (focus to break, break to the next round) is said once, politely: the clock
  // itself (role=timer) is not live, and the sound and notification may be off
  const [phaseNews, setPhaseNews] = createSignal('')
  createEffect(on(phase, (p, prev) => {
    if ((p === 'FOCUS' && prev === 'BREAK') || (p === 'BREAK' && prev === 'FOCUS')) {
      const t = shown()
      setPhaseNews(p === 'BREAK' ? `Break: ${t?.breakMinutes ?? ''} minutes` : `Focus: round ${t ? roundOf(t) : ''}`)
    }
  }, { defer: true }))
  const askStop = () => (othersFocusing() > 0 ? setConfirmStop(true) : void act.run('stop'))
  // "Keep it running" (or Escape): the question goes, the focus is back on Stop timer
  let stopBtn: HTMLButtonElement | undefined
  const keepRunning = () => { setConfirmStop(false); queueMicrotask(() => stopBtn?.focus()) }

  return (
    // Start becomes Pause, Pause becomes Resume, Stop becomes the start form: the focus follows
    // to the nearest button (lib/focusKeeper.ts)
    <section class={`timer phase-${phase().toLowerCase()}`} aria-labelledby="timer-title" data-refocus="button">
      <h2 id="timer-title">Focus timer</h2>
      <Show when={loaded() || initial.state !== 'pending'} fallback={<Loading label="Loading timer…" />}>
        <Show when={!initial.error} fallback={<ErrorBox error={initial.error} retry={refetch} />}>
          <Show when={shown() && phase() !== 'STOPPED' && shown()}>
            {(t) => <p class="timer-round" data-testid="timer-round">Round {roundOf(t())}</p>}
          </Show>
          <p class="timer-phase" data-testid="timer-phase">{label()}</p>
          <p class="sr-only" role="status" data-testid="timer-phase-news">{phaseNews()}</p>
          <p class="timer-clock" role="timer" aria-label={`${label()}: ${formatClock(remaining())} left`} data-testid="timer-clock">{formatClock(remaining())}</p>
          <Show when={shown() && phase() !== 'STOPPED' && shown()}>
            {(t) => <p class="muted small">{t().focusMinutes} min focus / {t().breakMinutes} min break{t().startedBy ? ` · started by ${t().startedBy!.displayName}` : ''}</p>}
          </Show>
          <Show when={shown()?.lastAction && shown()?.lastActionBy && shown()}>
            {(t) => <p class="small timer-last" role="status" data-testid="timer-last-action">{t().lastActionBy!.id === myId() ? 'You' : t().lastActionBy!.displayName} {VERB[t().lastAction!]}</p>}
          </Show>
          <Show when={keptRoom()?.roomId === props.roomId && phase() !== 'STOPPED'}>
            <p class="small muted" data-testid="focus-kept">You stay present in this room (and keep earning focus minutes) while you use other pages of Hearth, until the timer stops, you leave the room or choose Leave focus.</p>
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
              <button type="submit" class="btn primary" disabled={focusMin() === null || breakMin() === null} aria-disabled={act.busy()}>Start timer</button>
            </form>
          </Show>
          <div class="row wrap">
            <Show when={running()}><button type="button" class="btn small" aria-disabled={act.busy()} onClick={() => void act.run('pause')}>Pause</button></Show>
            <Show when={phase() === 'PAUSED'}><button type="button" class="btn small primary" aria-disabled={act.busy()} onClick={() => void act.run('resume')}>Resume</button></Show>
            <Show when={phase() !== 'STOPPED' && !confirmStop()}><button type="button" class="btn small danger" ref={stopBtn} aria-disabled={act.busy()} onClick={askStop}>Stop timer</button></Show>
          </div>
          <Show when={confirmStop()}>
            <div class="timer-confirm" role="alertdialog" aria-labelledby="stop-confirm-text" onKeyDown={(e) => { if (e.key === 'Escape') { e.stopPropagation(); keepRunning() } }}>
              <p id="stop-confirm-text" class="small">{othersFocusing()} other{othersFocusing() === 1 ? ' is' : 's are'} focusing here. Stop the timer for everyone?</p>
              <div class="row wrap">
                <button type="button" class="btn small danger" onClick={() => void act.run('stop')}>Stop for everyone</button>
                {/* the safe choice has the focus: Enter by reflex keeps the timer running */}
                <button type="button" class="btn small" ref={(el) => queueMicrotask(() => el.focus())} onClick={keepRunning}>Keep it running</button>
              </div>
            </div>
          </Show>
          <Show when={act.error()}><ErrorBox error={act.error()} /></Show>

          <Show when={phase() === 'FOCUS'}>
            <form class="row wrap goal-form" onSubmit={(e) => { e.preventDefault(); if (!goalError() && goalText().trim()) void goal.run(goalText().trim()) }}>
              <label class="field">
                <span>Your goal for this round</span>
                <input type="text" value={goalText()} placeholder={mine()?.goal ?? 'e.g. Finish chapter 3 exercises'} onInput={(e) => setGoalText(e.currentTarget.value)} aria-invalid={!!goalError()} />
                <Show when={goalError()}><small class="field-error">{goalError()}</small></Show>
              </label>
              <button type="submit" class="btn small" disabled={!goalText().trim() || !!goalError()} aria-disabled={goal.busy()}>Set goal</button>
              <Show when={mine()?.goal}><button type="button" class="btn small" aria-disabled={goal.busy()} onClick={() => void goal.run(null)}>Clear goal</button></Show>
            </form>
            <Show when={goal.error()}><ErrorBox error={goal.error()} /></Show>
          </Show>
          <Show when={phase() === 'BREAK' && mine()?.lastGoal ? mine() : null}>
            {(m) => (
              <div class="goal-check" role="group" aria-label="Your goal">
                <p class="small">Your goal: <q>{m().lastGoal}</q>. Done?</p>
                <div class="row wrap">
                  <button type="button" class="btn small" aria-pressed={m().goalDone === true} aria-disabled={done.busy()} onClick={() => void done.run(true)}>Done</button>
                  <button type="button" class="btn small" aria-pressed={m().goalDone === false} aria-disabled={done.busy()} onClick={() => void done.run(false)}>Not yet</button>
                </div>
              </div>
            )}
          </Show>
          <Show when={done.error()}><ErrorBox error={done.error()} /></Show>

          <Show when={(shown()?.participants.length ?? 0) > 0 && phase() !== 'STOPPED'}>
            <h3 class="small">Focusing here</h3>
            <ul class="participants" aria-label="Participants">
              <For each={shown()!.participants}>
                {(p) => (
                  <li class="participant" data-testid="participant">
                    <span class="participant-name">{p.user.id === myId() ? `${p.user.displayName} (you)` : p.user.displayName}</span>
                    <span class="muted small">{p.presentSince ? '' : 'away · '}{p.minutesThisPhase} min</span>
                    <Show when={p.goal}><span class="participant-goal">{p.goal}</span></Show>
                    <Show when={!p.goal && p.lastGoal}>
                      <span class="participant-goal">{p.lastGoal} <span class="tag">{p.goalDone === true ? '✓ done' : p.goalDone === false ? 'not yet' : '…'}</span></span>
                    </Show>
                  </li>
                )}
              </For>
            </ul>
          </Show>

          <details class="timer-settings">
            <summary>Alerts</summary>
            <label class="row small"><input type="checkbox" checked={soundOn()} onChange={(e) => setSoundOn(e.currentTarget.checked)} /> Chime at each phase change</label>
            <Show when={notificationPermission() === 'default'}>
              <button type="button" class="btn small" onClick={() => void askNotifications()}>Notify me at phase changes</button>
            </Show>
            <Show when={notificationPermission() === 'denied'}><p class="small muted">Desktop notifications are blocked in this browser.</p></Show>
            <Show when={notificationPermission() === 'granted'}><p class="small muted">Desktop notifications are on.</p></Show>
            <label class="row small"><input type="checkbox" checked={held()?.hold ?? true} onChange={(e) => void setHold(e.currentTarget.checked)} /> Hold my notifications while I focus</label>
          </details>
          <Show when={(held()?.count ?? 0) > 0 && keptRoom()?.roomId === props.roomId}>
            <p class="small" data-testid="held-count">{held()!.count} held until the break</p>
          </Show>
        </Show>
      </Show>
    </section>
  )
}

/** What the room header's compact countdown needs: read from the focus store, which the panel fills. */
export interface RoomTimerState { phase: () => Timer['phase']; label: () => string; remaining: () => number }

/** The room's timer as the header sees it (the side panel holds the query and the subscription). */
export function createRoomTimer(roomId: string): RoomTimerState {
  const phase = () => timerOf(roomId)?.timer.phase ?? 'STOPPED'
  return {
    phase,
    label: () => phaseLabel(phase()),
    remaining: () => {
      const t = timerOf(roomId)?.timer
      if (!t || t.phase === 'STOPPED') return (t?.focusMinutes ?? 25) * 60
      return secondsLeftIn(roomId)
    },
  }
}

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
