import { createResource, createSignal, For, onCleanup, Show } from 'solid-js'
import { graphql } from '../../gql'
import { mutate, query } from '../../lib/client'
import { AppError } from '../../lib/errors'
import { Async, ErrorBox, formatTime, toast, useAction } from '../../components/ui'
import { Link } from '../../components/Link'

const Progress = graphql(`
  query Progress($days: Int, $calendarDays: Int, $timeZone: String) {
    studyStats(days: $days, timeZone: $timeZone) {
      totalMinutes
      sessionCount
      currentStreakDays
      longestStreakDays
      thisWeekMinutes
      weeklyGoalMinutes
      byDay { date minutes }
      byRoom { minutes room { id name } }
    }
    calendar: studyStats(days: $calendarDays, timeZone: $timeZone) {
      byDay { date minutes }
    }
    studySessions(first: 10) {
      edges { node { id minutes startedAt endedAt room { id name } } }
    }
  }
`)

const SetWeeklyGoal = graphql(`
  mutation SetWeeklyGoal($minutes: Int) {
    setWeeklyGoal(minutes: $minutes) { weeklyGoalMinutes }
  }
`)

/** the heat map's span: 26 whole weeks (about six months), Monday to Sunday, ending this week */
const CALENDAR_WEEKS = 26

const RecordStudySession = graphql(`
  mutation RecordStudySession($minutes: Int!) {
    recordStudySession(minutes: $minutes) { id minutes }
  }
`)

/** set once the server refused the browser's zone (a browser started with TZ=UTC+3 reports "Etc/Unknown") */
let zoneRefused = false
function timeZone(): string {
  if (zoneRefused) return 'UTC'
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
  } catch {
    return 'UTC'
  }
}

/** the page's figures in the browser's zone, or in UTC when the server knows no zone of that name */
async function inZone<T>(load: (timeZone: string) => Promise<T>): Promise<T> {
  try {
    return await load(timeZone())
  } catch (e) {
    if (zoneRefused || !(e instanceof AppError) || e.field !== 'timeZone') throw e
    zoneRefused = true
    return load('UTC')
  }
}

function hours(min: number): string {
  if (min < 60) return `${min} min`
  const h = Math.floor(min / 60)
  return min % 60 ? `${h} h ${min % 60} min` : `${h} h`
}

/** Minutes per day as bars, drawn as SVG; every bar has its value in a title for pointer and screen reader. */
function DayBars(props: { days: { date: string; minutes: number }[] }) {
  // the SVG scales to its box: on a phone a narrower drawing keeps the labels readable
  const narrowQuery = window.matchMedia('(max-width: 600px)')
  const [narrow, setNarrow] = createSignal(narrowQuery.matches)
  const onChange = () => setNarrow(narrowQuery.matches)
  narrowQuery.addEventListener('change', onChange)
  onCleanup(() => narrowQuery.removeEventListener('change', onChange))
  const W = () => (narrow() ? 360 : 640)
  const H = 200
  const pad = { l: 34, r: 8, t: 10, b: 26 }
  const max = () => Math.max(30, ...props.days.map((d) => d.minutes))
  const bw = () => (W() - pad.l - pad.r) / Math.max(1, props.days.length)
  const y = (m: number) => pad.t + (H - pad.t - pad.b) * (1 - m / max())
  const label = (date: string) => new Date(`${date}T12:00:00`).toLocaleDateString(undefined, { weekday: 'short' })
  const ticks = () => [0, Math.round(max() / 2), max()]
  const labelStep = () => Math.max(1, Math.ceil(props.days.length / (narrow() ? 7 : 15)))
  return (
    <svg class="chart" viewBox={`0 0 ${W()} ${H}`} role="img" aria-label={`Minutes studied per day: ${props.days.map((d) => `${d.date} ${d.minutes}`).join(', ')}`}>
      <For each={ticks()}>
        {(t) => (
          <>
            <line x1={pad.l} x2={W() - pad.r} y1={y(t)} y2={y(t)} class="grid" />
            <text x={pad.l - 4} y={y(t) + 4} text-anchor="end" class="axis">{t}</text>
          </>
        )}
      </For>
      <For each={props.days}>
        {(d, i) => (
          <g>
            <rect x={pad.l + i() * bw() + bw() * 0.15} width={bw() * 0.7} y={y(d.minutes)} height={Math.max(0, H - pad.b - y(d.minutes))} rx="3" class="bar">
              <title>{`${d.date}: ${d.minutes} min`}</title>
            </rect>
            {/* as many labels as fit, counted back from today so today always has one */}
            <Show when={(props.days.length - 1 - i()) % labelStep() === 0}>
              <text x={pad.l + i() * bw() + bw() / 2} y={H - 8} text-anchor="middle" class="axis">{props.days.length <= 7 ? label(d.date) : d.date.slice(8)}</text>
            </Show>
          </g>
        )}
      </For>
    </svg>
  )
}

/** this week (Monday to Sunday, the viewer's time zone) against the weekly goal, with a form to set it */
function WeekGoal(props: { week: number; goal: number | null; onChanged: () => void }) {
  const [editing, setEditing] = createSignal(false)
  const [hoursValue, setHoursValue] = createSignal('')
  const save = useAction(async (minutes: number | null) => {
    await mutate(SetWeeklyGoal, { minutes })
    setEditing(false)
    toast(minutes === null ? 'Weekly goal cleared' : `Weekly goal set to ${hours(minutes)}`)
    props.onChanged()
  })
  const submit = () => {
    const h = Number(hoursValue().replace(',', '.'))
    void save.run(Number.isFinite(h) ? Math.round(h * 60) : NaN)
  }
  const pct = () => (props.goal ? Math.min(100, Math.round((100 * props.week) / props.goal)) : 0)
  const label = () => (props.goal
    ? `${hours(props.week)} of ${hours(props.goal)} this week (${Math.round((100 * props.week) / props.goal)}%)`
    : `${hours(props.week)} this week`)
  return (
    <section class="card stack" aria-labelledby="week-title">
      <h2 id="week-title">This week</h2>
      <Show when={props.goal} fallback={<p data-testid="week-label">{label()}. No weekly goal yet.</p>}>
        <div class="week-progress">
          <progress id="week-progress" max={props.goal!} value={Math.min(props.week, props.goal!)} aria-labelledby="week-label" />
          <p id="week-label" data-testid="week-label">{label()}{pct() >= 100 ? ': goal reached' : ''}</p>
        </div>
      </Show>
      <Show
        when={editing()}
        fallback={
          <div class="row">
            <button type="button" class="btn" onClick={() => { setHoursValue(props.goal ? String(props.goal / 60) : '5'); setEditing(true) }}>
              {props.goal ? 'Change weekly goal' : 'Set a weekly goal'}
            </button>
            <Show when={props.goal}>
              <button type="button" class="btn" aria-disabled={save.busy()} onClick={() => void save.run(null)}>Clear goal</button>
            </Show>
          </div>
        }
      >
        <form class="row wrap" onSubmit={(e) => { e.preventDefault(); submit() }}>
          <label class="field small-field">
            <span>Weekly goal (hours)</span>
            <input type="number" min="0.25" max="168" step="0.25" required value={hoursValue()} onInput={(e) => setHoursValue(e.currentTarget.value)} ref={(el) => queueMicrotask(() => el.focus())} />
          </label>
          <button type="submit" class="btn primary" aria-disabled={save.busy()} style={{ 'align-self': 'flex-end' }}>Save goal</button>
          <button type="button" class="btn" onClick={() => setEditing(false)} style={{ 'align-self': 'flex-end' }}>Cancel</button>
        </form>
      </Show>
      <Show when={save.error()}><ErrorBox error={save.error()} /></Show>
    </section>
  )
}

/**
 * A calendar heat map: one column per week (Monday on top), one cell per day, darker for more
 * minutes. It is a table, so a screen reader walks it by weekday and week; each cell's text (kept
 * visually hidden) gives its date and minutes, and so does its tooltip.
 */
function HeatMap(props: { days: { date: string; minutes: number }[] }) {
  const weeks = () => {
    const byDate = new Map(props.days.map((d) => [d.date, d.minutes]))
    const last = props.days[props.days.length - 1]?.date
    if (!last) return [] as { date: string; minutes: number | null }[][]
    // the Monday that starts the first column, counted back from the week holding the last day
    const lastDay = new Date(`${last}T00:00:00Z`)
    const monday = new Date(lastDay.getTime() - ((lastDay.getUTCDay() + 6) % 7) * 86_400_000)
    const first = new Date(monday.getTime() - (CALENDAR_WEEKS - 1) * 7 * 86_400_000)
    const out: { date: string; minutes: number | null }[][] = []
    for (let w = 0; w < CALENDAR_WEEKS; w++) {
      const col: { date: string; minutes: number | null }[] = []
      for (let i = 0; i < 7; i++) {
        const date = new Date(first.getTime() + (w * 7 + i) * 86_400_000).toISOString().slice(0, 10)
        // days after today (or before the answered window) have no value yet
        col.push({ date, minutes: byDate.has(date) ? byDate.get(date)! : null })
      }
      out.push(col)
    }
    return out
  }
  const max = () => Math.max(1, ...props.days.map((d) => d.minutes))
  const level = (m: number | null) => (m === null ? 'none' : m === 0 ? '0' : String(Math.min(4, Math.ceil((4 * m) / max()))))
  const longDate = (date: string) => new Date(`${date}T12:00:00Z`).toLocaleDateString(undefined, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' })
  const cellText = (c: { date: string; minutes: number | null }) => `${longDate(c.date)} (${c.date}): ${c.minutes === null ? 'no data yet' : `${c.minutes} ${c.minutes === 1 ? 'minute' : 'minutes'}`}`
  const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']
  const monthOf = (col: { date: string }[]) => (col[0].date.slice(8) <= '07' ? new Date(`${col[0].date}T12:00:00Z`).toLocaleDateString(undefined, { month: 'short', timeZone: 'UTC' }) : '')
  // on a narrow screen the map scrolls sideways: start at the latest weeks
  const scrollToEnd = (el: HTMLDivElement) => requestAnimationFrame(() => { el.scrollLeft = el.scrollWidth })
  return (
    <div class="heatmap-wrap" ref={scrollToEnd}>
      <table class="heatmap" aria-label={`Minutes studied per day, last ${CALENDAR_WEEKS} weeks`}>
        <thead>
          <tr>
            <th scope="col"><span class="sr-only">Weekday</span></th>
            <For each={weeks()}>{(col) => <th scope="col" class="hm-month"><span aria-hidden="true">{monthOf(col)}</span><span class="sr-only">Week of {col[0].date}</span></th>}</For>
          </tr>
        </thead>
        <tbody>
          <For each={WEEKDAYS}>
            {(name, i) => (
              <tr>
                <th scope="row" class="hm-day">{i() % 2 === 0 ? name : <span class="sr-only">{name}</span>}</th>
                <For each={weeks()}>
                  {(col) => (
                    <td class="hm-cell" data-level={level(col[i()].minutes)} title={cellText(col[i()])}>
                      <span class="sr-only">{cellText(col[i()])}</span>
                    </td>
                  )}
                </For>
              </tr>
            )}
          </For>
        </tbody>
      </table>
      <p class="hint heatmap-legend" aria-hidden="true">
        Less <span class="hm-cell" data-level="0" /> <span class="hm-cell" data-level="1" /> <span class="hm-cell" data-level="2" /> <span class="hm-cell" data-level="3" /> <span class="hm-cell" data-level="4" /> More
      </p>
    </div>
  )
}

function RoomBars(props: { rooms: { minutes: number; room?: { id: string; name: string } | null }[] }) {
  const max = () => Math.max(1, ...props.rooms.map((r) => r.minutes))
  return (
    <ul class="room-bars" aria-label="Minutes per room">
      <For each={props.rooms}>
        {(r) => (
          <li>
            <span class="rb-name">{r.room ? <Link href={`/rooms/${r.room.id}`}>{r.room.name}</Link> : 'On my own'}</span>
            <svg class="rb-bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
              <rect x="0" y="0" height="10" width={(100 * r.minutes) / max()} rx="2" class="bar" />
            </svg>
            <span class="rb-value">{hours(r.minutes)}</span>
          </li>
        )}
      </For>
    </ul>
  )
}

export function ProgressPage() {
  const [days, setDays] = createSignal(7)
  // the calendar asks for enough days to fill whole weeks up to this week's Sunday (the server
  // answers days up to today; the rest of this week is drawn empty)
  const [data, { refetch }] = createResource(days, (d) => inZone((tz) => query(Progress, { days: d, calendarDays: CALENDAR_WEEKS * 7 + 6, timeZone: tz })))
  // the field's text as typed: an emptied field stays empty (and \`required\` keeps the form from going)
  const [minutes, setMinutes] = createSignal('25')
  const record = useAction(async () => {
    const n = Number(minutes())
    await mutate(RecordStudySession, { minutes: n })
    toast(`Logged ${n} minutes`)
    await refetch()
  })
  return (
    <section class="page">
      <div class="row wrap">
        <h1 class="grow">Progress</h1>
        <label class="field inline">
          <span>Period</span>
          <select value={String(days())} onChange={(e) => setDays(Number(e.currentTarget.value))}>
            <option value="7">Last 7 days</option>
            <option value="14">Last 14 days</option>
            <option value="30">Last 30 days</option>
          </select>
        </label>
      </div>
      <Async resource={data} refetch={refetch} label="Loading your progress…">
        {(d) => (
          <>
            <Show when={zoneRefused}><p class="muted small" role="note">Days are shown in UTC: this browser does not say which time zone it is in.</p></Show>
            <div class="stats">
              <div class="card stat"><span class="stat-value" data-testid="total-minutes">{hours(d.studyStats.totalMinutes)}</span><span class="muted">focused</span></div>
              <div class="card stat"><span class="stat-value">{d.studyStats.sessionCount}</span><span class="muted">{d.studyStats.sessionCount === 1 ? 'session' : 'sessions'}</span></div>
              <div class="card stat"><span class="stat-value" data-testid="streak">{d.studyStats.currentStreakDays}</span><span class="muted">day streak</span></div>
              <div class="card stat"><span class="stat-value" data-testid="longest-streak">{d.studyStats.longestStreakDays}</span><span class="muted">longest streak (days)</span></div>
            </div>
            <WeekGoal week={d.studyStats.thisWeekMinutes} goal={d.studyStats.weeklyGoalMinutes ?? null} onChanged={refetch} />
            <section class="card heatmap-card" aria-labelledby="calendar-title">
              <h2 id="calendar-title">Last {CALENDAR_WEEKS} weeks</h2>
              <HeatMap days={d.calendar.byDay} />
            </section>
            <section class="card" aria-labelledby="per-day-title">
              <h2 id="per-day-title">Minutes per day</h2>
              <DayBars days={d.studyStats.byDay} />
            </section>
            <div class="two-col">
              <section class="card" aria-labelledby="per-room-title">
                <h2 id="per-room-title">By room</h2>
                <Show when={d.studyStats.byRoom.length} fallback={<p class="muted">Start a focus timer in a room to see it here.</p>}>
                  <RoomBars rooms={d.studyStats.byRoom} />
                </Show>
              </section>
              <section class="card stack" aria-labelledby="recent-title">
                <h2 id="recent-title">Recent sessions</h2>
                <Show when={d.studySessions.edges.length} fallback={<p class="muted">No sessions yet.</p>}>
                  <ul class="list" aria-label="Recent study sessions">
                    <For each={d.studySessions.edges}>
                      {(e) => (
                        <li class="list-row">
                          <span class="grow">{e.node.room?.name ?? 'On my own'}</span>
                          <span class="muted small">{formatTime(e.node.startedAt)}</span>
                          <strong>{e.node.endedAt ? hours(e.node.minutes) : 'running'}</strong>
                        </li>
                      )}
                    </For>
                  </ul>
                </Show>
                <form class="row wrap" onSubmit={(e) => { e.preventDefault(); void record.run() }}>
                  <label class="field small-field">
                    <span>Minutes studied</span>
                    <input type="number" min="1" max="600" step="1" required value={minutes()} onInput={(e) => setMinutes(e.currentTarget.value)} />
                  </label>
                  <button type="submit" class="btn" aria-disabled={record.busy()} style={{ 'align-self': 'flex-end' }}>Log session</button>
                </form>
                <Show when={record.error()}><ErrorBox error={record.error()} /></Show>
              </section>
            </div>
          </>
        )}
      </Async>
    </section>
  )
}
