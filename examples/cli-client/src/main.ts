// hearth-cli: sign in, join a room by its code, print its messages live and send each line typed
// on stdin. After a dropped connection it resumes from the last message it printed.
//
//   npx tsx examples/cli-client/src/main.ts --url http://127.0.0.1:4000 --user alice --code AbC123xyz
//   (password from HEARTH_PASSWORD or asked for; --signup creates the account first)
import { randomUUID } from 'node:crypto'
import readline from 'node:readline'
import { parseArgs } from 'node:util'
import { ApiError, JoinByCode, LogIn, MessageAdded, Recent, request, Send, SignUp, socket, subscribe } from './api.js'

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: process.env.HEARTH_URL ?? 'http://127.0.0.1:4000' },
    user: { type: 'string', default: process.env.HEARTH_USERNAME },
    code: { type: 'string', default: process.env.HEARTH_ROOM_CODE },
    signup: { type: 'boolean', default: false },
    history: { type: 'string', default: '20' },
    help: { type: 'boolean', short: 'h', default: false },
  },
})

function usage(code: number): never {
  console.error('usage: hearth-cli --url <http://host:port> --user <username> --code <room code> [--signup] [--history N]\n       password from HEARTH_PASSWORD, or typed when asked')
  process.exit(code)
}
if (values.help) usage(0)
if (!values.user || !values.code) usage(2)

async function askPassword(): Promise<string> {
  if (process.env.HEARTH_PASSWORD) return process.env.HEARTH_PASSWORD
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr })
  const pw = await new Promise<string>((resolve) => rl.question('password: ', resolve))
  rl.close()
  return pw
}

type Line = { seq: number; body: string; createdAt: string; deletedAt?: string | null; sender: { username: string; displayName: string } }
function show(m: Line) {
  const time = new Date(m.createdAt).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
  // user text is printed as-is but without terminal control sequences
  const body = m.deletedAt ? '(deleted)' : m.body.replace(/[\u0000-\u0008\u000b-\u001f\u007f\u009b]/g, '')
  process.stdout.write(`[${time}] ${m.sender.displayName}: ${body}\n`)
}

async function main() {
  const url = values.url!
  const input = { username: values.user!, password: await askPassword() }
  const auth = values.signup
    ? (await request(url, SignUp, { input })).signUp
    : (await request(url, LogIn, { input })).logIn
  const token = auth.token
  const room = (await request(url, JoinByCode, { code: values.code! }, token)).joinRoom
  console.error(`# signed in as ${auth.user.username}; room "${room.name}" (type a line and Enter to send, Ctrl-D to quit)`)

  let lastSeq = 0
  const recent = await request(url, Recent, { roomId: room.id, last: Math.max(1, Math.min(100, Number(values.history) || 20)) }, token)
  for (const e of recent.messages.edges) {
    show(e.node)
    lastSeq = Math.max(lastSeq, e.node.seq)
  }

  let everConnected = false
  const client = socket(url, token, {
    connected: () => { if (everConnected) console.error('# reconnected'); everConnected = true },
    closed: (code) => {
      if (code === 4403) { console.error('# session ended; sign in again'); process.exit(1) }
      if (everConnected) console.error('# connection lost, reconnecting…')
    },
  })
  subscribe(client, MessageAdded, () => ({ roomId: room.id, after: String(lastSeq) }), {
    next: (d) => {
      // replays after a reconnect can overlap what was already printed: seq tells
      if (d.messageAdded.seq <= lastSeq) return
      lastSeq = d.messageAdded.seq
      show(d.messageAdded)
    },
    error: (e) => { console.error('# subscription refused:', JSON.stringify(e)); process.exit(1) },
  })

  const rl = readline.createInterface({ input: process.stdin, terminal: false })
  const pending: Promise<unknown>[] = []
  rl.on('line', (line) => {
    const body = line.trim()
    if (!body) return
    const clientId = randomUUID()
    // the clientId makes the retry safe: the server stores the message once
    const attempt = async (n: number): Promise<void> => {
      try {
        await request(url, Send, { roomId: room.id, body, clientId }, token)
      } catch (e) {
        if (e instanceof ApiError && e.code) { console.error(`# not sent (${e.code}): ${e.message}`); return }
        if (n >= 5) { console.error('# not sent: server unreachable'); return }
        await new Promise((r) => setTimeout(r, 500 * 2 ** n))
        return attempt(n + 1)
      }
    }
    pending.push(attempt(0))
  })
  rl.on('close', async () => {
    await Promise.allSettled(pending)
    // give our own last message a moment to come back through the subscription
    setTimeout(() => { void client.dispose(); process.exit(0) }, 300)
  })
}

main().catch((e) => {
  console.error(`# ${e instanceof ApiError ? `${e.code}: ` : ''}${(e as Error).message}`)
  process.exit(1)
})
