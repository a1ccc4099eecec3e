import { createResource, createSignal, For, onCleanup, Show } from 'solid-js'
import { graphql } from '../../gql'
import { mutate, query } from '../../lib/client'
import { Async, ErrorBox, formatTime, toast, useAction } from '../../components/ui'
import { Link } from '../../components/Link'

const Progress = graphql(`
  query Progress($days: Int, $timeZone: String) {
    studyStats(days: $days, timeZone: $timeZone) {
      totalMinutes
      sessionCount
      currentStreakDays
      byDay { date minutes }
      byRoom { minutes room { id name } }
    }
    studySessions(first: 10) {
      edges { node { id minutes startedAt endedAt room { id name } } }
    }
  }
`)

const RecordStudySession = graphql(`
  mutation RecordStudySession($minutes: Int!) {
    recordStudySession(minutes: $minutes) { id minutes }
  }
`)

function timeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
  } catch {
    return 'UTC'
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
  const [data, { refetch }] = createResource(days, (d) => query(Progress, { days: d, timeZone: timeZone() }))
  const [minutes, setMinutes] = createSignal(25)
  const record = useAction(async () => {
    await mutate(RecordStudySession, { minutes: minutes() })
    toast(`Logged ${minutes()} minutes`)
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
            <div class="stats">
              <div class="card stat"><span class="stat-value" data-testid="total-minutes">{hours(d.studyStats.totalMinutes)}</span><span class="muted">focused</span></div>
              <div class="card stat"><span class="stat-value">{d.studyStats.sessionCount}</span><span class="muted">sessions</span></div>
              <div class="card stat"><span class="stat-value" data-testid="streak">{d.studyStats.currentStreakDays}</span><span class="muted">day streak</span></div>
            </div>
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
                    <input type="number" min="1" max="600" value={minutes()} onInput={(e) => setMinutes(Number(e.currentTarget.value) || 25)} />
                  </label>
                  <button type="submit" class="btn" disabled={record.busy()} style={{ 'align-self': 'flex-end' }}>Log session</button>
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
