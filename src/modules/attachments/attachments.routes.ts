// POST /uploads and GET /uploads/:id[/thumbnail] (contract part 2, "Attachments").
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import multipart from '@fastify/multipart'
import type { Services } from '../../services.js'
import { AppError } from '../../graphql/errors.js'
import { bearerToken } from '../auth/bearer.js'
import { SESSION_COOKIE } from '../auth/auth.resolvers.js'
import { IMAGE_TYPES } from './images.js'
import type { Variant } from './storage.js'
import { UploadRefused, attachmentUrl, thumbnailUrl } from './attachments.service.js'
import type { AttachmentModel } from '../../graphql/models.js'

/** headers a cross-site form cannot send; the same ones mercurius' CSRF prevention accepts on /graphql */
const PREFLIGHT_HEADERS = ['mercurius-require-preflight', 'x-mercurius-operation-name']
/** room for the multipart framing around the file (boundaries, part headers) */
const FRAMING_BYTES = 64 * 1024

export function attachmentJson(a: AttachmentModel) {
  return { id: a.id, name: a.name, contentType: a.contentType, size: a.size, width: a.width, height: a.height, url: attachmentUrl(a), thumbnailUrl: thumbnailUrl(a) }
}

function send(reply: FastifyReply, status: number, code: string, error: string, extra: Record<string, unknown> = {}) {
  return reply.code(status).header('cache-control', 'no-store').send({ error, code, ...extra })
}

/** RFC 6266 / 5987: an ASCII fallback and the exact name in UTF-8 */
function disposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_')
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())}`
}

export async function attachmentRoutes(app: FastifyInstance, svc: Services, originAllowed: (req: FastifyRequest, origin: string) => boolean) {
  const max = svc.config.uploads.maxBytes

  /** the signed-in user of a request: Bearer token, or the session cookie (the caller checks CSRF for writes) */
  async function viewerOf(req: FastifyRequest): Promise<{ userId: string; sessionId: string; byCookie: boolean } | null> {
    const header = bearerToken(req.headers.authorization)
    const token = header ?? req.cookies?.[SESSION_COOKIE] ?? null
    if (!token) return null
    const found = await svc.auth.authenticate(token)
    return found ? { ...found.viewer, byCookie: header === null } : null
  }

  await app.register(async (scope) => {
    // encapsulated: /graphql keeps refusing multipart bodies
    await scope.register(multipart, { limits: { fileSize: max, files: 1, parts: 4, fields: 3, headerPairs: 100 }, throwFileSizeLimit: true })

    scope.post('/uploads', async (req, reply) => {
      const viewer = await viewerOf(req)
      if (!viewer) return send(reply, 401, 'UNAUTHENTICATED', 'Sign in first')
      if (viewer.byCookie) {
        const origin = req.headers.origin
        if (origin !== undefined && !originAllowed(req, origin)) return send(reply, 403, 'FORBIDDEN', 'Forbidden')
        if (!PREFLIGHT_HEADERS.some((h) => Object.hasOwn(req.headers, h))) {
          return send(reply, 400, 'BAD_REQUEST', 'This request has been blocked as a potential Cross-Site Request Forgery (CSRF): send the mercurius-require-preflight header')
        }
      }
      const length = Number(req.headers['content-length'])
      if (Number.isFinite(length) && length > max + FRAMING_BYTES) {
        reply.header('connection', 'close')
        return send(reply, 413, 'PAYLOAD_TOO_LARGE', `The file is larger than ${max} bytes`, { maxBytes: max })
      }
      if (!req.isMultipart()) return send(reply, 400, 'BAD_USER_INPUT', 'Send multipart/form-data with one part named "file"', { field: 'file' })
      try {
        await svc.attachments.spendUpload(viewer.userId)
      } catch (e) {
        if (e instanceof AppError && e.code === 'RATE_LIMITED') {
          const after = e.extra.retryAfterSeconds ?? 60
          return reply.code(429).header('retry-after', String(after)).send({ error: 'Too Many Requests', code: 'RATE_LIMITED', retryAfterSeconds: after })
        }
        throw e
      }
      let data: Buffer
      let filename: string
      try {
        const files = req.files()
        const first = await files.next()
        const part = first.done ? undefined : first.value
        if (!part || part.fieldname !== 'file') return send(reply, 400, 'BAD_USER_INPUT', 'Send one part named "file"', { field: 'file' })
        filename = part.filename
        data = await part.toBuffer()
        // the reader can mark the file truncated after handing over its last chunk: toBuffer then
        // returns the first MAX bytes without a word, and a cut file was stored and answered 201
        if (part.file.truncated) {
          reply.header('connection', 'close')
          return send(reply, 413, 'PAYLOAD_TOO_LARGE', `The file is larger than ${max} bytes`, { maxBytes: max })
        }
        // a second file was read past and its sender told 201 for one of two (the parser's limit
        // of one file ends the parts with an error, caught below): one upload is one file
        if (!(await files.next()).done) return send(reply, 400, 'BAD_USER_INPUT', 'Send one file per upload', { field: 'file' })
      } catch (e) {
        // the file over MAX_UPLOAD_BYTES is 413; anything else the multipart parser refuses (more
        // parts or fields than one file, no boundary, a body cut short) is the client's: 400, not
        // the 500 with the parser's words it was
        if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
          reply.header('connection', 'close')
          return send(reply, 413, 'PAYLOAD_TOO_LARGE', `The file is larger than ${max} bytes`, { maxBytes: max })
        }
        req.log.debug({ err: e }, 'unreadable upload')
        return send(reply, 400, 'BAD_USER_INPUT', 'The upload could not be read: send multipart/form-data with one part named "file"', { field: 'file' })
      }
      try {
        const a = await svc.attachments.upload(viewer, filename, data)
        return reply.code(201).header('cache-control', 'no-store').send(attachmentJson(a))
      } catch (e) {
        if (e instanceof UploadRefused) return send(reply, e.status, e.code, e.message, { field: 'file' })
        throw e
      }
    })
  })

  const serve = (variant: Variant) => async (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
    const viewer = await viewerOf(req)
    const found = await svc.attachments.read(viewer?.userId ?? null, req.params.id, variant)
    // whoever may not read it learns nothing, not even that it exists
    if (!found) return reply.code(404).header('cache-control', 'no-store').send({ error: 'Not Found' })
    const { attachment: a, data } = found
    const image = IMAGE_TYPES.has(a.contentType)
    const etag = `"${a.id}-${variant}"`
    reply.header('cache-control', 'private, no-cache')
    reply.header('etag', etag)
    reply.header('cross-origin-resource-policy', 'same-origin')
    reply.header('x-content-type-options', 'nosniff')
    if (req.headers['if-none-match'] === etag) return reply.code(304).send()
    reply.header('content-type', variant === 'thumbnail' ? 'image/webp' : a.contentType)
    reply.header('content-disposition', disposition(image ? 'inline' : 'attachment', variant === 'thumbnail' ? a.name.replace(/\.[^.]*$/, '') + '.webp' : a.name))
    return reply.send(data)
  }
  app.get('/uploads/:id', serve('file'))
  app.get('/uploads/:id/thumbnail', serve('thumbnail'))
}
