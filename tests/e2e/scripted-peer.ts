// A scripted call peer for the browser tests: a bare page of the same browser running one
// RTCPeerConnection, driven by the test through page.evaluate and signalling through the API.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { newPage } from './browser.js'

export interface ScriptedPeer { context: BrowserContext; page: Page }

/**
 * The page keeps its connection in window.pc, counts the tracks it receives in window.tracks and
 * collects the candidates it gathers in window.candidates. `stateChannel`: it also opens the web
 * client's negotiated data channel (id 0), as a real participant's client does.
 */
export async function scriptedPeer(browser: Browser, baseUrl: string, opts: { stateChannel?: boolean } = {}): Promise<ScriptedPeer> {
  const { context, page } = await newPage(browser)
  await page.goto(`${baseUrl}/health`)
  await page.evaluate((stateChannel) => {
    const w = window as any
    const pc = new RTCPeerConnection()
    w.pc = pc
    w.tracks = 0
    w.candidates = []
    if (stateChannel) pc.createDataChannel('state', { negotiated: true, id: 0 })
    pc.ontrack = () => { w.tracks++ }
    pc.onicecandidate = (ev) => { if (ev.candidate) w.candidates.push(ev.candidate.toJSON()) }
  }, !!opts.stateChannel)
  return { context, page }
}

interface Inbox { events: { signalReceived: { kind: string; payload: string } }[]; waitFor(pred: () => boolean, timeoutMs?: number, what?: string): Promise<void> }

/** Hands each signal of `inbox` to `handle`, in order, until stopped. */
export function serveSignals(inbox: Inbox, handle: (kind: string, data: any) => Promise<void>): { stop(): Promise<void> } {
  let handled = 0
  let serving = true
  const done = (async () => {
    while (serving) {
      await inbox.waitFor(() => !serving || inbox.events.length > handled, 60_000, 'a signal').catch(() => {})
      while (serving && handled < inbox.events.length) {
        const s = inbox.events[handled++].signalReceived
        await handle(s.kind, JSON.parse(s.payload))
      }
    }
  })()
  return { stop: async () => { serving = false; await done } }
}
