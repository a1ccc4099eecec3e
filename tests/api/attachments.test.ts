// Attachments and avatars (contract part 2; issues 16 and 17): POST /uploads, who may read url and
// thumbnailUrl, sendMessage's attachmentIds, the 24-hour sweep, deletion with the message and the
// room, setAvatar / User.avatarUrl live, and (PostgreSQL) an upload served by another instance.
// Every case runs on SQLite (bytes in a directory beside the file) and PostgreSQL (bytes in the
// database).
import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import sharp from 'sharp'
import { BACKENDS, canRun, databaseFor, fewestQueries, startApp, waitLive, type TestApp } from '../helpers/app.js'
import { collect, gql, ok, signUp, wsClient, type TestUser } from '../helpers/client.js'
import { createRoom, joinByCode } from '../helpers/rooms.js'

const SEND = `mutation($r: ID!, $b: String!, $a: [ID!]) { sendMessage(roomId: $r, body: $b, attachmentIds: $a) {
  id body attachments { id name contentType size width height url thumbnailUrl } } }`
const MESSAGES = `query($r: ID!) { messages(roomId: $r, last: 50) { edges { node { id body attachments { id name url thumbnailUrl } } } } }`
const SET_AVATAR = 'mutation($a: ID) { setAvatar(attachmentId: $a) { id avatarUrl } }'

interface Uploaded { id: string; name: string; contentType: string; size: number; width: number | null; height: number | null; url: string; thumbnailUrl: string | null }

async function upload(t: TestApp, token: string | null, bytes: Buffer, name = 'photo.jpg', claimed = 'application/octet-stream', headers: Record<string, string> = {}) {
  const form = new FormData()
  form.append('file', new Blob([new Uint8Array(bytes)], { type: claimed }), name)
  const res = await fetch(t.url + '/uploads', { method: 'POST', body: form, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } })
  const text = await res.text()
  let body: any = null
  try { body = JSON.parse(text) } catch { body = text }
  return { status: res.status, body: body as Uploaded & { code?: string } }
}

/** POST /uploads written in two parts (the file's first bytes, then the rest and the end), the second once the first has gone out; the status */
async function uploadInTwoWrites(t: TestApp, token: string, head: Buffer, tail: Buffer): Promise<number> {
  const boundary = 'hearthTwoWrites'
  const start = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="two.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`)
  const end = Buffer.from(`\r\n--${boundary}--\r\n`)
  const { hostname, port } = new URL(t.url)
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, path: '/uploads', method: 'POST', headers: {
      authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': start.length + head.length + tail.length + end.length,
    } }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode!)) })
    req.on('error', reject)
    req.write(Buffer.concat([start, head]), () => setTimeout(() => req.end(Buffer.concat([tail, end])), 50))
  })
}

async function uploadOk(t: TestApp, token: string, bytes: Buffer, name?: string, claimed?: string): Promise<Uploaded> {
  const r = await upload(t, token, bytes, name, claimed)
  expect(r.status, JSON.stringify(r.body)).toBe(201)
  return r.body
}

async function get(t: TestApp, path: string, token: string | null) {
  const res = await fetch(t.url + path, { headers: token ? { authorization: `Bearer ${token}` } : {} })
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) }
}

/** a JPEG with EXIF (camera, copyright) and GPS tags */
async function jpegWithGps(width = 1200, height = 800): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 30 } } })
    .jpeg()
    .withExif({ IFD0: { Copyright: 'secret-owner', Make: 'SpyCam' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 0/1', GPSLongitudeRef: 'W', GPSLongitude: '0/1 7/1 0/1' } })
    .toBuffer()
}

const png = (width = 40, height = 20) => sharp({ create: { width, height, channels: 4, background: '#3366cc' } }).png().toBuffer()

/** a 1x1 grey TIFF carrying a Copyright tag (libvips writes no metadata into TIFFs of its own) */
function tiffWithCopyright(text: string): Buffer {
  const extra = Buffer.from(text + '\0', 'latin1')
  const entries = 9
  const ifd = 8
  const pixel = ifd + 2 + entries * 12 + 4
  const at = pixel + 1
  const b = Buffer.alloc(at + extra.length)
  b.write('II', 0, 'latin1')
  b.writeUInt16LE(42, 2)
  b.writeUInt32LE(ifd, 4)
  b.writeUInt16LE(entries, ifd)
  const put = (i: number, tag: number, type: number, count: number, value: number) => {
    const o = ifd + 2 + i * 12
    b.writeUInt16LE(tag, o)
    b.writeUInt16LE(type, o + 2)
    b.writeUInt32LE(count, o + 4)
    if (type === 3 && count === 1) b.writeUInt16LE(value, o + 8); else b.writeUInt32LE(value, o + 8)
  }
  // width, height, 8 bits, no compression, black is zero, the strip, one row, one byte, Copyright
  put(0, 256, 3, 1, 1); put(1, 257, 3, 1, 1); put(2, 258, 3, 1, 8); put(3, 259, 3, 1, 1); put(4, 262, 3, 1, 1)
  put(5, 273, 4, 1, pixel); put(6, 278, 3, 1, 1); put(7, 279, 4, 1, 1); put(8, 33432, 2, extra.length, at)
  b[pixel] = 128
  extra.copy(b, at)
  return b
}

/** the PNG with an acTL chunk after IHDR: an animated PNG (one frame) to file-type */
function asAnimatedPng(pngBytes: Buffer): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0 })
  const crc = (b: Buffer) => { let c = 0xffffffff; for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0 }
  const data = Buffer.alloc(8)
  data.writeUInt32BE(1, 0) // frames
  data.writeUInt32BE(0, 4) // plays
  const typeAndData = Buffer.concat([Buffer.from('acTL'), data])
  const chunk = Buffer.alloc(12 + data.length)
  chunk.writeUInt32BE(data.length, 0)
  typeAndData.copy(chunk, 4)
  chunk.writeUInt32BE(crc(typeAndData), 8 + data.length)
  const ihdrEnd = 8 + 4 + 4 + 13 + 4
  return Buffer.concat([pngBytes.subarray(0, ihdrEnd), chunk, pngBytes.subarray(ihdrEnd)])
}

for (const backend of BACKENDS) {
  describe.runIf(canRun(backend))(`attachments (${backend})`, () => {
    let t: TestApp
    const MAX = 256 * 1024
    beforeAll(async () => {
      t = await startApp({ databaseUrl: await databaseFor(backend), env: { SEND_RATE_LIMIT_PER_USER: '0', MAX_UPLOAD_BYTES: String(MAX), UPLOAD_RATE_LIMIT: '0' } })
    })
    afterAll(async () => { await t?.close() })

    const db = () => t.app.hearth.database.db
    const rowCount = async () => Number((await db().selectFrom('attachments').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
    /** whether any bytes of the upload are stored (a file beside the SQLite file, or a row of attachment_blobs) */
    async function bytesKept(id: string): Promise<boolean> {
      const store = t.app.hearth.attachments.store
      return (await store.get(id, 'file')) !== null || (await store.get(id, 'thumbnail')) !== null
    }
    async function storedFiles(): Promise<number> {
      const store = t.app.hearth.attachments.store as { dir?: string }
      if (store.dir) return fs.existsSync(store.dir) ? fs.readdirSync(store.dir).length : 0
      return Number((await db().selectFrom('attachment_blobs').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
    }

    it('keeps bytes where the backend says: beside the SQLite file, in the database with PostgreSQL', () => {
      expect(t.app.hearth.attachments.store.kind).toBe(backend === 'sqlite' ? 'disk' : 'database')
    })

    it('an image: 201 with its sniffed type, size and dimensions; a thumbnail at most 320 px; EXIF and GPS stripped from both', async () => {
      const alice = await signUp(t.url)
      const original = await jpegWithGps()
      expect((await sharp(original).metadata()).exif).toBeDefined()
      const a = await uploadOk(t, alice.token, original, 'holiday.jpg', 'image/jpeg')
      expect(a).toMatchObject({ name: 'holiday.jpg', contentType: 'image/jpeg', width: 1200, height: 800, url: `/uploads/${a.id}`, thumbnailUrl: `/uploads/${a.id}/thumbnail` })
      const file = await get(t, a.url, alice.token)
      expect(file.status).toBe(200)
      expect(file.headers.get('content-type')).toBe('image/jpeg')
      expect(file.headers.get('x-content-type-options')).toBe('nosniff')
      expect(file.bytes.length).toBe(a.size)
      const served = await sharp(file.bytes).metadata()
      expect(served.exif).toBeUndefined()
      expect(served.xmp).toBeUndefined()
      expect(file.bytes.includes(Buffer.from('secret-owner'))).toBe(false)
      const thumb = await get(t, a.thumbnailUrl!, alice.token)
      expect(thumb.status).toBe(200)
      const tm = await sharp(thumb.bytes).metadata()
      expect(Math.max(tm.width!, tm.height!)).toBe(320)
      expect(tm.width! / tm.height!).toBeCloseTo(1.5, 1)
      expect(tm.exif).toBeUndefined()
    })

    it('an animated PNG and a TIFF are cleaned too: no EXIF, GPS or text chunks served (they were kept as sent)', async () => {
      const alice = await signUp(t.url)
      const withExif = await sharp({ create: { width: 30, height: 20, channels: 4, background: '#33aa66' } }).png()
        .withExif({ IFD0: { Copyright: 'secret-owner' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 0/1' } }).toBuffer()
      const apng = asAnimatedPng(withExif)
      const a = await uploadOk(t, alice.token, apng, 'moving.png', 'image/png')
      expect(a).toMatchObject({ contentType: 'image/png', width: 30, height: 20 })
      expect(a.thumbnailUrl).not.toBeNull()
      const served = await get(t, a.url, alice.token)
      expect(served.bytes.includes(Buffer.from('secret-owner'))).toBe(false)
      expect((await sharp(served.bytes).metadata()).exif).toBeUndefined()
      const tiff = tiffWithCopyright('secret-owner')
      expect(tiff.includes(Buffer.from('secret-owner'))).toBe(true)
      const f = await uploadOk(t, alice.token, tiff, 'scan.tif')
      expect(f.contentType).toBe('image/tiff')
      const file = await get(t, f.url, alice.token)
      expect(file.bytes.includes(Buffer.from('secret-owner'))).toBe(false)
      expect((await sharp(file.bytes).metadata()).exif).toBeUndefined()
      // a TIFF is a download, not shown in the page
      expect(file.headers.get('content-disposition')).toMatch(/^attachment/)
    })

    it('a caption on files can be removed again: editMessage to "" keeps the files; a message without files still may not be emptied', async () => {
      const alice = await signUp(t.url)
      const room = await createRoom(t.url, alice.token, 'Captions')
      const a = await uploadOk(t, alice.token, await png(), 'p.png')
      const sent = (await ok(t.url, SEND, { r: room.id, b: 'a caption', a: [a.id] }, alice.token)).sendMessage
      const EDIT = 'mutation($id: ID!, $b: String!) { editMessage(id: $id, body: $b) { body editedAt attachments { id } } }'
      const edited = (await ok(t.url, EDIT, { id: sent.id, b: '  ' }, alice.token)).editMessage
      expect(edited).toMatchObject({ body: '', attachments: [{ id: a.id }] })
      expect(edited.editedAt).not.toBeNull()
      const text = (await ok(t.url, SEND, { r: room.id, b: 'words only', a: null }, alice.token)).sendMessage
      const r = await gql(t.url, EDIT, { id: text.id, b: '' }, alice.token)
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'body' })
      expect((await ok(t.url, MESSAGES, { r: room.id }, alice.token)).messages.edges.map((e: any) => e.node.body)).toEqual(['', 'words only'])
    })

    it('a multipart body the parser refuses is 400 BAD_USER_INPUT on file, not a 500: no boundary, cut short, extra fields', async () => {
      const alice = await signUp(t.url)
      const post = (body: BodyInit, contentType: string) => fetch(t.url + '/uploads', { method: 'POST', body, headers: { authorization: `Bearer ${alice.token}`, 'content-type': contentType } })
      const noBoundary = await post('--x\r\n', 'multipart/form-data')
      const boundary = 'XyZ123'
      const cut = await post(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.bin"\r\nContent-Type: application/octet-stream\r\n\r\nabc`, `multipart/form-data; boundary=${boundary}`)
      const form = new FormData()
      for (let i = 0; i < 4; i++) form.append(`note${i}`, 'x')
      form.append('file', new Blob([new Uint8Array(await png())], { type: 'image/png' }), 'p.png')
      const fields = await fetch(t.url + '/uploads', { method: 'POST', body: form, headers: { authorization: `Bearer ${alice.token}` } })
      // before: the second file was skipped and the first stored, 201
      const rows = await rowCount()
      const two = new FormData()
      two.append('file', new Blob([new Uint8Array(await png())], { type: 'image/png' }), 'one.png')
      two.append('file', new Blob([new Uint8Array(await png())], { type: 'image/png' }), 'two.png')
      const twoFiles = await fetch(t.url + '/uploads', { method: 'POST', body: two, headers: { authorization: `Bearer ${alice.token}` } })
      for (const [what, res] of [['no boundary', noBoundary], ['cut short', cut], ['extra fields', fields], ['two files', twoFiles]] as const) {
        expect(res.status, what).toBe(400)
        expect(await res.json(), what).toMatchObject({ code: 'BAD_USER_INPUT', field: 'file' })
      }
      expect(await rowCount()).toBe(rows)
    })

    it('the sniffed type beats the claimed one: PNG bytes called notes.txt are a PNG; HTML called an image is a download', async () => {
      const alice = await signUp(t.url)
      const a = await uploadOk(t, alice.token, await png(), 'notes.txt', 'text/plain')
      expect(a).toMatchObject({ contentType: 'image/png', width: 40, height: 20 })
      expect(a.thumbnailUrl).not.toBeNull()
      const html = Buffer.from('<html><script>alert(document.cookie)</script></html>')
      const b = await uploadOk(t, alice.token, html, 'cat.png', 'image/png')
      expect(b).toMatchObject({ name: 'cat.png', contentType: 'application/octet-stream', width: null, height: null, thumbnailUrl: null })
      const file = await get(t, b.url, alice.token)
      expect(file.status).toBe(200)
      expect(file.headers.get('content-type')).toBe('application/octet-stream')
      expect(file.headers.get('content-disposition')).toMatch(/^attachment; filename="cat.png"/)
      expect(file.headers.get('x-content-type-options')).toBe('nosniff')
      expect(file.bytes.equals(html)).toBe(true)
      // no thumbnail for what is not an image
      expect((await get(t, `/uploads/${b.id}/thumbnail`, alice.token)).status).toBe(404)
    })

    it('a file name keeps no path', async () => {
      const alice = await signUp(t.url)
      const a = await uploadOk(t, alice.token, Buffer.from('hello'), '../../etc/passwd')
      expect(a.name).toBe('passwd')
    })

    it('over MAX_UPLOAD_BYTES: 413 and nothing kept (no row, no bytes), whether the length is announced or found while reading', async () => {
      const alice = await signUp(t.url)
      const rows = await rowCount()
      const files = await storedFiles()
      // far over: refused from Content-Length
      const big = await upload(t, alice.token, Buffer.alloc(MAX * 2, 7), 'big.bin')
      expect(big.status).toBe(413)
      expect(big.body.code).toBe('PAYLOAD_TOO_LARGE')
      // just over: the multipart reader stops at the limit
      const just = await upload(t, alice.token, Buffer.alloc(MAX + 1, 7), 'just.bin')
      expect(just.status).toBe(413)
      // the byte past the limit arriving on its own, after the rest was read: before, 201 with the
      // file cut to MAX (the reader marked it truncated after handing over its last chunk)
      expect(await uploadInTwoWrites(t, alice.token, Buffer.alloc(MAX, 7), Buffer.from([7]))).toBe(413)
      expect(await rowCount()).toBe(rows)
      expect(await storedFiles()).toBe(files)
      // exactly the limit is fine
      expect((await upload(t, alice.token, Buffer.alloc(MAX, 7), 'exact.bin')).status).toBe(201)
    })

    it('POST /uploads is authenticated like /graphql: no token 401; the cookie alone (a cross-site form) 400; cookie + preflight header 201', async () => {
      const alice = await signUp(t.url)
      const rows = await rowCount()
      expect((await upload(t, null, Buffer.from('x'))).status).toBe(401)
      expect((await upload(t, 'not-a-token', Buffer.from('x'))).status).toBe(401)
      const cookie = { cookie: `hearth_session=${alice.token}` }
      expect((await upload(t, null, Buffer.from('x'), 'a.txt', 'text/plain', cookie)).status).toBe(400)
      expect(await rowCount()).toBe(rows)
      const r = await upload(t, null, Buffer.from('x'), 'a.txt', 'text/plain', { ...cookie, 'mercurius-require-preflight': 'true' })
      expect(r.status).toBe(201)
      // the wrong part name
      const form = new FormData()
      form.append('other', new Blob([new Uint8Array([1, 2, 3])]), 'x.bin')
      const res = await fetch(t.url + '/uploads', { method: 'POST', body: form, headers: { authorization: `Bearer ${alice.token}` } })
      expect(res.status).toBe(400)
      expect(await rowCount()).toBe(rows + 1)
    })

    it('upload, send, another member downloads url and thumbnail; a non-member gets 404 for both; the order given is kept', async () => {
      const [alice, bob, eve] = await Promise.all([signUp(t.url), signUp(t.url), signUp(t.url)])
      const room = await createRoom(t.url, alice.token, 'Private', 'PRIVATE')
      await joinByCode(t.url, bob.token, room.code)
      const img = await uploadOk(t, alice.token, await png(), 'sheet.png')
      const doc = await uploadOk(t, alice.token, Buffer.from('%PDF-1.4\n%...'), 'notes.pdf')
      // before it is sent only the uploader reads it
      expect((await get(t, img.url, alice.token)).status).toBe(200)
      expect((await get(t, img.url, bob.token)).status).toBe(404)
      expect((await get(t, img.thumbnailUrl!, bob.token)).status).toBe(404)
      // bob is live in the room: the message reaches him with its attachments
      const c = wsClient(t.wsUrl, bob.token)
      const live = collect(c, 'subscription($r: ID!) { messageAdded(roomId: $r) { id attachments { id thumbnailUrl } } }', { r: room.id })
      await waitLive(t, 1)
      const sent = (await ok(t.url, SEND, { r: room.id, b: '', a: [doc.id, img.id] }, alice.token)).sendMessage
      await live.waitCount(1)
      await c.dispose()
      expect(live.events[0].messageAdded).toEqual({ id: sent.id, attachments: [{ id: doc.id, thumbnailUrl: null }, { id: img.id, thumbnailUrl: img.thumbnailUrl }] })
      expect(sent.body).toBe('')
      expect(sent.attachments.map((x: Uploaded) => x.id)).toEqual([doc.id, img.id])
      expect(sent.attachments[0]).toMatchObject({ name: 'notes.pdf', contentType: 'application/pdf', thumbnailUrl: null })
      const listed = (await ok(t.url, MESSAGES, { r: room.id }, bob.token)).messages.edges.map((e: any) => e.node)
      expect(listed.find((m: any) => m.id === sent.id).attachments.map((x: Uploaded) => x.id)).toEqual([doc.id, img.id])
      for (const path of [img.url, img.thumbnailUrl!, doc.url]) {
        expect((await get(t, path, bob.token)).status).toBe(200)
        const refused = await get(t, path, eve.token)
        expect(refused.status).toBe(404)
        expect(refused.bytes.length).toBeLessThan(100)
        expect((await get(t, path, null)).status).toBe(404)
      }
      expect((await get(t, doc.url, bob.token)).headers.get('content-disposition')).toMatch(/^attachment; filename="notes.pdf"/)
    })

    it('in a PUBLIC room any signed-in user reads the attachments; nobody signed out does', async () => {
      const [alice, stranger] = await Promise.all([signUp(t.url), signUp(t.url)])
      const room = await createRoom(t.url, alice.token, 'Open', 'PUBLIC')
      const img = await uploadOk(t, alice.token, await png())
      await ok(t.url, SEND, { r: room.id, b: 'look', a: [img.id] }, alice.token)
      expect((await get(t, img.thumbnailUrl!, stranger.token)).status).toBe(200)
      expect((await get(t, img.thumbnailUrl!, null)).status).toBe(404)
    })

    it('bad attachmentIds are BAD_USER_INPUT on attachmentIds and change nothing: the 11th, someone else\'s, an already sent one, a duplicate, an empty list', async () => {
      const [alice, bob] = await Promise.all([signUp(t.url), signUp(t.url)])
      const room = await createRoom(t.url, alice.token, 'Many', 'PRIVATE')
      await joinByCode(t.url, bob.token, room.code)
      const mine: Uploaded[] = []
      for (let i = 0; i < 11; i++) mine.push(await uploadOk(t, alice.token, Buffer.from(`file ${i}`), `f${i}.txt`))
      const bobs = await uploadOk(t, bob.token, Buffer.from('bob'), 'bob.txt')
      const count = async () => (await ok(t.url, MESSAGES, { r: room.id }, alice.token)).messages.edges.length
      const refuse = async (ids: string[], body = 'x') => {
        const r = await gql(t.url, SEND, { r: room.id, b: body, a: ids }, alice.token)
        expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'attachmentIds' })
      }
      await refuse(mine.map((m) => m.id))
      await refuse([mine[0].id, bobs.id])
      await refuse([mine[0].id, mine[0].id])
      await refuse([])
      expect(await count()).toBe(0)
      // none of them was taken by the refused sends: ten go now, and bob's is still his to send
      const sent = (await ok(t.url, SEND, { r: room.id, b: 'ten', a: mine.slice(0, 10).map((m) => m.id) }, alice.token)).sendMessage
      expect(sent.attachments).toHaveLength(10)
      await refuse([mine[3].id])
      await refuse([mine[10].id, mine[0].id])
      expect(await count()).toBe(1)
      expect((await gql(t.url, SEND, { r: room.id, b: '', a: [bobs.id] }, bob.token)).errors).toBeUndefined()
      // without attachments the body is still required
      expect((await gql(t.url, SEND, { r: room.id, b: '  ', a: null }, alice.token)).errors?.[0]?.extensions?.field).toBe('body')
    })

    it('two sends racing for one upload: one gets it, the other BAD_USER_INPUT', async () => {
      const alice = await signUp(t.url)
      const room = await createRoom(t.url, alice.token, 'Race', 'PRIVATE')
      const one = await uploadOk(t, alice.token, Buffer.from('race'), 'r.txt')
      const results = await Promise.all([1, 2, 3].map((i) => gql(t.url, SEND, { r: room.id, b: `try ${i}`, a: [one.id] }, alice.token)))
      expect(results.filter((r) => !r.errors).length).toBe(1)
      expect(results.filter((r) => r.errors?.[0]?.extensions?.field === 'attachmentIds').length).toBe(2)
    })

    it('the sweep deletes uploads not sent within 24 hours (row and bytes), and keeps sent ones and avatars', async () => {
      const alice = await signUp(t.url)
      const room = await createRoom(t.url, alice.token, 'Sweep', 'PRIVATE')
      const svc = t.app.hearth.attachments
      const unsent = await uploadOk(t, alice.token, Buffer.from('forgotten'), 'old.txt')
      const sent = await uploadOk(t, alice.token, Buffer.from('kept'), 'sent.txt')
      const avatar = await uploadOk(t, alice.token, await png(64, 64), 'me.png')
      await ok(t.url, SEND, { r: room.id, b: 'k', a: [sent.id] }, alice.token)
      await ok(t.url, SET_AVATAR, { a: avatar.id }, alice.token)
      const start = Date.now()
      try {
        // 23 hours later: nothing is due yet
        svc.now = () => start + 23 * 3600_000
        await svc.sweep()
        expect(await bytesKept(unsent.id)).toBe(true)
        // 25 hours later the unsent upload is gone; so is sending it
        svc.now = () => start + 25 * 3600_000
        const fresh = await uploadOk(t, alice.token, Buffer.from('new'), 'new.txt')
        await svc.sweep()
        expect(await bytesKept(unsent.id)).toBe(false)
        expect(await db().selectFrom('attachments').select('id').where('id', '=', unsent.id).executeTakeFirst()).toBeUndefined()
        expect((await get(t, unsent.url, alice.token)).status).toBe(404)
        expect((await gql(t.url, SEND, { r: room.id, b: 'late', a: [unsent.id] }, alice.token)).errors?.[0]?.extensions?.field).toBe('attachmentIds')
        for (const kept of [sent, avatar, fresh]) expect(await bytesKept(kept.id)).toBe(true)
        expect((await get(t, sent.url, alice.token)).status).toBe(200)
        expect((await get(t, avatar.thumbnailUrl!, alice.token)).status).toBe(200)
      } finally {
        svc.now = () => Date.now()
      }
    })

    it('deleting a message deletes its attachments; deleting a room deletes its messages\' attachments', async () => {
      const [alice, bob] = await Promise.all([signUp(t.url), signUp(t.url)])
      const room = await createRoom(t.url, alice.token, 'Gone', 'PRIVATE')
      await joinByCode(t.url, bob.token, room.code)
      const a = await uploadOk(t, alice.token, await png(), 'a.png')
      const b = await uploadOk(t, alice.token, await png(), 'b.png')
      const m1 = (await ok(t.url, SEND, { r: room.id, b: 'one', a: [a.id] }, alice.token)).sendMessage
      await ok(t.url, SEND, { r: room.id, b: 'two', a: [b.id] }, alice.token)
      expect((await get(t, a.url, bob.token)).status).toBe(200)
      await ok(t.url, 'mutation($id: ID!) { deleteMessage(id: $id) { id } }', { id: m1.id }, alice.token)
      expect((await get(t, a.url, bob.token)).status).toBe(404)
      expect((await get(t, a.thumbnailUrl!, alice.token)).status).toBe(404)
      expect(await bytesKept(a.id)).toBe(false)
      const tomb = (await ok(t.url, MESSAGES, { r: room.id }, bob.token)).messages.edges.map((e: any) => e.node).find((m: any) => m.id === m1.id)
      expect(tomb.attachments).toEqual([])
      expect(await bytesKept(b.id)).toBe(true)
      await ok(t.url, 'mutation($id: ID!) { deleteRoom(id: $id) }', { id: room.id }, alice.token)
      expect((await get(t, b.url, alice.token)).status).toBe(404)
      expect(await bytesKept(b.id)).toBe(false)
      expect(await db().selectFrom('attachments').select('id').where('id', 'in', [a.id, b.id]).execute()).toEqual([])
    })

    it('Message.attachments is batched: one query for a page of messages, however many have attachments', async () => {
      const alice = await signUp(t.url)
      const room = await createRoom(t.url, alice.token, 'Batch', 'PRIVATE')
      for (let i = 0; i < 6; i++) {
        const a = await uploadOk(t, alice.token, Buffer.from(`n${i}`), `n${i}.txt`)
        await ok(t.url, SEND, { r: room.id, b: `m${i}`, a: [a.id] }, alice.token)
      }
      const stats = t.app.hearth.database.stats
      const q = (sel: string) => `query($r: ID!) { messages(roomId: $r, last: 50) { edges { node { id ${sel} } } } }`
      // warm: the first request of a session may also touch it, and it reads the session into the
      // instance's cache afresh (so its 10 s cannot run out between the two counted requests)
      t.app.hearth.auth.sessionCache.clear()
      await ok(t.url, q(''), { r: room.id }, alice.token)
      // the fewest of three requests each (the counter is the instance's: fewestQueries)
      const count = async (sel: string) => {
        const { queries, result } = await fewestQueries(stats, () => ok(t.url, q(sel), { r: room.id }, alice.token))
        if (sel) expect(result.messages.edges.every((e: any) => e.node.attachments.length === 1)).toBe(true)
        return queries
      }
      const without = await count('')
      expect(await count('attachments { id name }')).toBe(without + 1)
    })

    it('setAvatar: an own image upload; avatarUrl reaches others live through userUpdated, the thumbnail is theirs to read; null removes it', async () => {
      const [alice, bob] = await Promise.all([signUp(t.url), signUp(t.url)])
      const pic = await uploadOk(t, alice.token, await png(600, 600), 'me.png')
      const c = wsClient(t.wsUrl, bob.token)
      try {
        const live = collect(c, 'subscription($u: ID) { userUpdated(userId: $u) { id avatarUrl } }', { u: alice.id })
        await waitLive(t, 1)
        const set = (await ok(t.url, SET_AVATAR, { a: pic.id }, alice.token)).setAvatar
        expect(set.avatarUrl).toBe(`/uploads/${pic.id}/thumbnail`)
        await live.waitFor(() => live.events.some((e: any) => e.userUpdated.avatarUrl === set.avatarUrl), 5000, 'the avatar')
        expect((await ok(t.url, 'query($u: ID!) { user(id: $u) { avatarUrl } }', { u: alice.id }, bob.token)).user.avatarUrl).toBe(set.avatarUrl)
        const thumb = await get(t, set.avatarUrl, bob.token)
        expect(thumb.status).toBe(200)
        expect((await sharp(thumb.bytes).metadata()).width).toBe(320)
        // the full-size upload is not part of the avatar
        expect((await get(t, pic.url, bob.token)).status).toBe(404)
        expect((await ok(t.url, SET_AVATAR, { a: null }, alice.token)).setAvatar.avatarUrl).toBeNull()
        await live.waitFor(() => live.events.at(-1)?.userUpdated.avatarUrl === null, 5000, 'the removal')
      } finally {
        await c.dispose()
      }
    })

    it('deleteAccount erases the account\'s unsent uploads and avatar (rows and bytes); sent attachments stay with the messages, readable by the room', async () => {
      const [x, y] = await Promise.all([signUp(t.url), signUp(t.url)])
      const room = await createRoom(t.url, x.token, 'Leaving', 'PRIVATE')
      await joinByCode(t.url, y.token, room.code)
      const unsent = await uploadOk(t, x.token, Buffer.from('draft'), 'draft.txt')
      const avatar = await uploadOk(t, x.token, await png(100, 100), 'me.png')
      const sent = await uploadOk(t, x.token, await png(), 'kept.png')
      await ok(t.url, SET_AVATAR, { a: avatar.id }, x.token)
      await ok(t.url, SEND, { r: room.id, b: 'bye', a: [sent.id] }, x.token)
      // y's client shows x's picture: it hears it go, live, with the name
      const c = wsClient(t.wsUrl, y.token)
      const people = collect(c, 'subscription { userUpdated { id displayName avatarUrl } }')
      await waitLive(t, 1)
      expect((await ok(t.url, 'mutation($p: String!) { deleteAccount(password: $p) }', { p: 'correct horse battery' }, x.token)).deleteAccount).toBe(true)
      await people.waitFor(() => people.events.some((e: any) => e.userUpdated.id === x.id), 5000, 'the deletion')
      await c.dispose()
      expect(people.events.find((e: any) => e.userUpdated.id === x.id).userUpdated).toEqual({ id: x.id, displayName: 'Deleted user', avatarUrl: null })
      for (const gone of [unsent, avatar]) {
        expect(await bytesKept(gone.id)).toBe(false)
        expect(await db().selectFrom('attachments').select('id').where('id', '=', gone.id).executeTakeFirst()).toBeUndefined()
      }
      expect(await db().selectFrom('attachments').select('id').where('uploader_id', '=', x.id).execute()).toEqual([])
      expect((await get(t, sent.url, y.token)).status).toBe(200)
      const listed = (await ok(t.url, MESSAGES, { r: room.id }, y.token)).messages.edges.map((e: any) => e.node)
      expect(listed.find((m: any) => m.body === 'bye').attachments.map((a: Uploaded) => a.id)).toEqual([sent.id])
    })

    it('setAvatar refuses someone else\'s upload and a file that is not an image (BAD_USER_INPUT on attachmentId), changing nothing', async () => {
      const [alice, bob] = await Promise.all([signUp(t.url), signUp(t.url)])
      const bobs = await uploadOk(t, bob.token, await png(), 'bob.png')
      const text = await uploadOk(t, alice.token, Buffer.from('not an image'), 'a.txt')
      for (const a of [bobs.id, text.id, '00000000-0000-4000-8000-000000000000', 'nope']) {
        const r = await gql(t.url, SET_AVATAR, { a }, alice.token)
        expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'attachmentId' })
      }
      expect((await ok(t.url, 'query { me { avatarUrl } }', {}, alice.token)).me.avatarUrl).toBeNull()
      expect((await gql(t.url, SET_AVATAR, { a: null }, null)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
    })
  })

  describe.runIf(canRun(backend))(`upload rate limit (${backend})`, () => {
    let t: TestApp
    beforeAll(async () => { t = await startApp({ databaseUrl: await databaseFor(backend), env: { UPLOAD_RATE_LIMIT: '3' } }) })
    afterAll(async () => { await t?.close() })

    it('UPLOAD_RATE_LIMIT per user per minute: the next is 429 with retry-after, and is not kept', async () => {
      const [alice, bob]: TestUser[] = await Promise.all([signUp(t.url), signUp(t.url)])
      for (let i = 0; i < 3; i++) expect((await upload(t, alice.token, Buffer.from(`${i}`))).status).toBe(201)
      const refused = await upload(t, alice.token, Buffer.from('4'))
      expect(refused.status).toBe(429)
      expect(refused.body.code).toBe('RATE_LIMITED')
      expect(Number((await t.app.hearth.database.db.selectFrom('attachments').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)).toBe(3)
      // another user's bucket is their own
      expect((await upload(t, bob.token, Buffer.from('b'))).status).toBe(201)
    })
  })
}

describe.runIf(canRun('postgres'))('attachments across instances (PostgreSQL)', () => {
  let a: TestApp
  let b: TestApp
  beforeAll(async () => {
    const url = await databaseFor('postgres')
    // two instances of one deployment: one database, one Redis prefix
    const redisPrefix = 'att' + crypto.randomBytes(4).toString('hex') + ':'
    a = await startApp({ databaseUrl: url, redis: true, redisPrefix })
    b = await startApp({ databaseUrl: url, redis: true, redisPrefix })
  })
  afterAll(async () => { await a?.close(); await b?.close() })

  it('uploaded and sent through instance A, downloaded through instance B; a non-member is refused on B', async () => {
    const [alice, bob, eve] = await Promise.all([signUp(a.url), signUp(a.url), signUp(b.url)])
    const room = await createRoom(a.url, alice.token, 'Shared', 'PRIVATE')
    await joinByCode(b.url, bob.token, room.code)
    const original = await jpegWithGps(800, 400)
    const up = await uploadOk(a, alice.token, original, 'two.jpg')
    await ok(a.url, SEND, { r: room.id, b: 'from A', a: [up.id] }, alice.token)
    const fromA = await get(a, up.url, alice.token)
    const fromB = await get(b, up.url, bob.token)
    expect(fromB.status).toBe(200)
    expect(fromB.bytes.equals(fromA.bytes)).toBe(true)
    expect((await get(b, up.thumbnailUrl!, bob.token)).status).toBe(200)
    expect((await get(b, up.url, eve.token)).status).toBe(404)
    expect((await get(b, up.thumbnailUrl!, eve.token)).status).toBe(404)
  })
})

describe('uploads and SEND_RATE_LIMIT_PER_USER=0', () => {
  let t: TestApp
  beforeAll(async () => { t = await startApp({ env: { SEND_RATE_LIMIT_PER_USER: '0', UPLOAD_RATE_LIMIT: '2' } }) })
  afterAll(async () => { await t?.close() })

  it('turns the upload limit off too, as every per-user limit (contract part 2): the 3rd of UPLOAD_RATE_LIMIT=2 is 201', async () => {
    const alice = await signUp(t.url)
    for (let i = 0; i < 3; i++) expect((await upload(t, alice.token, await png(), `p${i}.png`)).status).toBe(201)
  })
})
