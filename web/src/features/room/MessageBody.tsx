import { For, Match, Switch } from 'solid-js'

type Part = { t: 'text'; v: string } | { t: 'link'; v: string } | { t: 'mention'; v: string }

// URLs become links only for http(s); trailing punctuation stays text ("see https://x.org.")
const TOKEN = /(https?:\/\/[^\s<>"'`]+[^\s<>"'`.,;:!?)\]}])|(^|[\s(])(@[A-Za-z0-9_.-]{3,32})/g

function parseBody(body: string): Part[] {
  const out: Part[] = []
  let last = 0
  for (const m of body.matchAll(TOKEN)) {
    const start = m.index ?? 0
    if (m[1]) {
      if (start > last) out.push({ t: 'text', v: body.slice(last, start) })
      out.push({ t: 'link', v: m[1] })
      last = start + m[1].length
    } else if (m[3]) {
      const at = start + m[2].length
      if (at > last) out.push({ t: 'text', v: body.slice(last, at) })
      out.push({ t: 'mention', v: m[3] })
      last = at + m[3].length
    }
  }
  if (last < body.length) out.push({ t: 'text', v: body.slice(last) })
  return out
}

export function mentions(body: string, username: string): boolean {
  const u = username.toLowerCase()
  return parseBody(body).some((p) => p.t === 'mention' && p.v.slice(1).replace(/[.]+$/, '').toLowerCase() === u)
}

/** User text as text nodes (never HTML); links open in a new tab without an opener. */
export function MessageBody(props: { body: string; myUsername: string }) {
  return (
    <For each={parseBody(props.body)}>
      {(p) => (
        <Switch>
          <Match when={p.t === 'link'}>
            <a href={p.v} target="_blank" rel="noopener noreferrer nofollow">{p.v}</a>
          </Match>
          <Match when={p.t === 'mention'}>
            <span class={p.v.slice(1).toLowerCase() === props.myUsername.toLowerCase() ? 'mention me' : 'mention'}>{p.v}</span>
          </Match>
          <Match when={p.t === 'text'}>{p.v}</Match>
        </Switch>
      )}
    </For>
  )
}
