// A message body as Markdown: CommonMark with GitHub's strikethrough and fenced code blocks
// (highlighted for common languages), parsed to a syntax tree (mdast-util-from-markdown with the
// micromark / mdast strikethrough extensions; lowlight for code) and built as DOM nodes by Solid.
// Nothing user-written goes through innerHTML: raw HTML is shown as the text it is, links are
// made only for http, https and mailto URLs, and in plain text today's rules hold (bare http(s)
// URLs become links, @username is a mention).
import { For, Match, Show, Switch, createSignal, type JSX } from 'solid-js'
import { parseMarkdown } from '../../lib/markdown'
import type { Nodes as MdNode, Parent as MdParent, RootContent } from 'mdast'
import type { ElementContent as HastNode } from 'hast'

type Part = { t: 'text'; v: string } | { t: 'link'; v: string } | { t: 'mention'; v: string }

// URLs become links only for http(s); trailing punctuation stays text ("see https://x.org.")
const TOKEN = /(https?:\/\/[^\s<>"'`]+[^\s<>"'`.,;:!?)\]}])|(^|[\s(])(@[A-Za-z0-9_.-]{3,32})/g

function parseText(body: string): Part[] {
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
  return parseText(body).some((p) => p.t === 'mention' && p.v.slice(1).replace(/[.]+$/, '').toLowerCase() === u)
}

/** the first line of a body as plain text (quotes of replies, the pinned list) */
export function firstLine(body: string): string {
  const line = body.split('\n').find((l) => l.trim() && !/^\s*```/.test(l)) ?? ''
  return line.length > 140 ? line.slice(0, 140) + '…' : line
}

/**
 * The highlighter and its grammars (~190 KB of the bundle) load with the first fenced block
 * that names a language; the block shows as plain text until then.
 */
type Highlighter = ReturnType<typeof import('lowlight').createLowlight>
const [highlighter, setHighlighter] = createSignal<Highlighter | null>(null)
let loadingHighlighter: Promise<void> | null = null
function loadHighlighter() {
  loadingHighlighter ??= import('lowlight').then(
    (m) => { setHighlighter(() => m.createLowlight(m.common)) },
    () => { loadingHighlighter = null },
  )
}

/** only these schemes become links; anything else (javascript:, data:, relative) stays text */
export function safeHref(url: string): string | null {
  try {
    const u = new URL(url)
    return u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'mailto:' ? u.href : null
  } catch {
    return null
  }
}

function PlainText(props: { text: string; myUsername: string }) {
  return (
    <For each={parseText(props.text)}>
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

function Highlighted(props: { nodes: HastNode[] }): JSX.Element {
  return (
    <For each={props.nodes}>
      {(n) => {
        if (n.type === 'text') return n.value
        if (n.type === 'element') {
          const cls = Array.isArray(n.properties?.className) ? n.properties.className.join(' ') : undefined
          return <span class={cls}><Highlighted nodes={n.children} /></span>
        }
        return null
      }}
    </For>
  )
}

function CodeBlock(props: { lang: string | null | undefined; value: string }) {
  const lang = props.lang?.toLowerCase() ?? ''
  if (lang !== '') loadHighlighter()
  const known = () => {
    const h = highlighter()
    return h !== null && lang !== '' && h.registered(lang) ? h : null
  }
  return (
    <pre class="md-code" data-lang={known() ? lang : undefined}>
      <code class={known() ? `hljs language-${lang}` : 'hljs'}>
        <Show when={known()} fallback={props.value}>
          {(h) => <Highlighted nodes={h().highlight(lang, props.value).children as HastNode[]} />}
        </Show>
      </code>
    </pre>
  )
}

function Children(props: { node: MdParent; me: string }) {
  return <For each={props.node.children as RootContent[]}>{(c) => <MdElement node={c} me={props.me} />}</For>
}

function MdElement(props: { node: MdNode; me: string }): JSX.Element {
  const n = props.node
  switch (n.type) {
    case 'paragraph': return <p><Children node={n} me={props.me} /></p>
    case 'text': return <PlainText text={n.value} myUsername={props.me} />
    case 'strong': return <strong><Children node={n} me={props.me} /></strong>
    case 'emphasis': return <em><Children node={n} me={props.me} /></em>
    case 'delete': return <del><Children node={n} me={props.me} /></del>
    case 'inlineCode': return <code class="md-inline">{n.value}</code>
    case 'code': return <CodeBlock lang={n.lang} value={n.value} />
    case 'break': return <br />
    case 'thematicBreak': return <hr />
    case 'blockquote': return <blockquote><Children node={n} me={props.me} /></blockquote>
    // headings stay inside the message: emphasised paragraphs, not page headings
    case 'heading': return <p class={`md-heading md-h${n.depth}`}><strong><Children node={n} me={props.me} /></strong></p>
    case 'list': return n.ordered
      ? <ol start={n.start ?? undefined}><Children node={n} me={props.me} /></ol>
      : <ul><Children node={n} me={props.me} /></ul>
    case 'listItem': return <li><Children node={n} me={props.me} /></li>
    case 'link': {
      const href = safeHref(n.url)
      if (!href) return <Children node={n} me={props.me} />
      return <a href={href} target="_blank" rel="noopener noreferrer nofollow"><Children node={n} me={props.me} /></a>
    }
    // images are not loaded from message text: the alt text, linked when the URL is allowed
    case 'image': {
      const href = safeHref(n.url)
      const label = n.alt || n.url
      return href ? <a href={href} target="_blank" rel="noopener noreferrer nofollow">{label}</a> : <>{label}</>
    }
    // raw HTML is shown as the text it is
    case 'html': return <>{n.value}</>
    // reference-style links and anything else: the source text of their children, or nothing
    default:
      return 'children' in n ? <Children node={n as MdParent} me={props.me} /> : ('value' in n ? <>{String((n as { value: unknown }).value)}</> : null)
  }
}

/** User text as DOM nodes built from the Markdown tree (never HTML). */
export function MessageBody(props: { body: string; myUsername: string }) {
  return <Children node={parseMarkdown(props.body)} me={props.myUsername} />
}
