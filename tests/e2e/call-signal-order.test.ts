// A call still connects when a peer's ICE candidates reach the web client before its OFFER. Each
// signal is its own mutation, checked on its own in the server, so two sent side by side can
// arrive in either order (seen in CI on PostgreSQL: a candidate overtook its offer, was refused by
// the browser for want of a remote description, and both sides stayed 'new' for good). The client
// now sends one peer's signals one after the other, and holds candidates that come before any
// description until one is applied.
//
// The peer here is scripted (a bare page's RTCPeerConnection, signalling through the API): it sends
// every candidate first, then its offer, as a reordering would deliver them; it drops the web
// client's candidates (a firewalled peer: only its own candidates lead anywhere), so the call
// connects only if the client kept the early ones. The scripted user is picked with an id below
// Cara's, which makes Cara's client the polite side: it gives up its own offer for the peer's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { TestApp } from '../helpers/app.js'
import { waitLive } from '../helpers/app.js'
import { collect, gql, ok, signUp, wsClient, type TestUser } from '../helpers/client.js'
import { joinByCode } from '../helpers/rooms.js'
import { launch, newPage, signUpInPage, startWebApp, uname, watchErrors } from './browser.js'
import { scriptedPeer, serveSignals } from './scripted-peer.js'

const SEND_SIGNAL = `mutation($input: SendSignalInput!) { sendSignal(input: $input) { id } }`
const SIGNAL_RECEIVED = `subscription($roomId: ID) { signalReceived(roomId: $roomId) { kind payload from { id } } }`

let app: TestApp
let browser: Browser

beforeAll(async () => {
  app = await startWebApp({ env: { SEND_RATE_LIMIT_PER_USER: '0' } })
  browser = await launch(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'])
}, 240_000)

afterAll(async () => {
  await browser?.close()
  await app?.close()
})

describe('call signalling out of order', () => {
  it("connects when the peer's candidates arrive before its offer", async () => {
    const cara = await newPage(browser)
    await cara.context.grantPermissions(['camera', 'microphone'])
    const errors = watchErrors(cara.page)
    await signUpInPage(cara.page, app.url, uname('cara'), undefined, 'Cara')
    await cara.page.getByLabel('Room name').fill('Order call')
    await cara.page.getByRole('button', { name: 'Create room' }).click()
    await expect.poll(() => cara.page.getByRole('heading', { name: 'Order call' }).count()).toBe(1)
    const code = (await cara.page.getByTestId('room-code').textContent())!.trim()
    // a member of the room reads who made it: Cara's id
    const probe = await signUp(app.url)
    const roomId: string = (await joinByCode(app.url, probe.token, code)).id
    const caraId: string = (await ok(app.url, `query($r: ID!) { room(id: $r) { createdBy { id } } }`, { r: roomId }, probe.token)).room.createdBy.id
    // the peer: a user whose id sorts below Cara's
    let peer: TestUser = await signUp(app.url)
    while (peer.id >= caraId) peer = await signUp(app.url)
    await joinByCode(app.url, peer.token, code)

    await cara.page.getByRole('button', { name: 'Start call' }).click()
    await expect.poll(() => cara.page.getByRole('button', { name: 'Hang up' }).count(), { timeout: 10_000 }).toBe(1)

    const device = await scriptedPeer(browser, app.url, { stateChannel: true })
    const ear: Page = device.page
    const send = async (kind: string, data: unknown) => {
      const r = await gql(app.url, SEND_SIGNAL, { input: { roomId, toUserId: caraId, kind, payload: JSON.stringify(data) } }, peer.token)
      expect(r.errors, kind).toBeUndefined()
    }
    const ws = wsClient(app.wsUrl, peer.token)
    const base = app.app.hearth.realtime.liveSubscriptions
    const inbox = collect(ws, SIGNAL_RECEIVED, { roomId })
    await waitLive(app, base + 1)
    await ok(app.url, `mutation($r: ID!) { joinCall(roomId: $r) { id } }`, { r: roomId }, peer.token)

    // the peer's side of the call: answers an offer met while stable, ignores one that collides
    // with its own (it is the impolite side), and drops Cara's candidates
    const seen: string[] = []
    const server = serveSignals(inbox, async (kind, data) => {
      seen.push(kind)
      if (kind === 'OFFER' && data.description) {
        const answer = await ear.evaluate(async (d) => {
          const pc = (window as any).pc as RTCPeerConnection
          if (pc.signalingState !== 'stable') return null
          await pc.setRemoteDescription(d)
          await pc.setLocalDescription()
          return pc.localDescription!.toJSON()
        }, data.description)
        if (answer) await send('ANSWER', { description: answer })
      } else if (kind === 'ANSWER' && data.description) {
        await ear.evaluate((d) => ((window as any).pc as RTCPeerConnection).setRemoteDescription(d), data.description)
      }
    })

    // every candidate first, then the offer
    const offer = await ear.evaluate(async () => {
      const pc = (window as any).pc as RTCPeerConnection
      pc.addTransceiver('audio', { direction: 'recvonly' })
      pc.addTransceiver('video', { direction: 'recvonly' })
      const done = new Promise<void>((resolve) => {
        pc.onicegatheringstatechange = () => { if (pc.iceGatheringState === 'complete') resolve() }
      })
      await pc.setLocalDescription()
      await done
      // as a trickling peer sends it: the candidates go apart, not inside the description
      const d = pc.localDescription!.toJSON()
      return { type: d.type, sdp: d.sdp!.replace(/a=(candidate:[^\r\n]*|end-of-candidates)\r\n/g, '') }
    })
    expect(offer.sdp).not.toContain('a=candidate')
    const candidates: RTCIceCandidateInit[] = await ear.evaluate(() => (window as any).candidates.splice(0))
    expect(candidates.length).toBeGreaterThan(0)
    for (const c of candidates) await send('ICE_CANDIDATE', { candidate: c })
    await send('OFFER', { description: offer })

    // Cara's client connects to the peer, and the peer receives her camera and microphone
    const tile = cara.page.locator(`figure.tile[data-peer="${peer.id}"]`)
    await expect.poll(() => tile.getAttribute('data-connection'), { timeout: 20_000 }).toBe('connected')
    await expect.poll(() => ear.evaluate(() => (window as any).tracks), { timeout: 10_000 }).toBeGreaterThan(0)
    await server.stop()
    expect(seen).toContain('ANSWER')
    expect(errors).toEqual([])
    await ws.dispose()
    await Promise.all([cara.context.close(), device.context.close()])
  }, 120_000)
})
