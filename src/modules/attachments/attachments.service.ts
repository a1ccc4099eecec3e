import type { Services } from '../../services.js'
import type { Ctx, Viewer } from '../../graphql/context.js'
import type { AttachmentModel, MessageModel } from '../../graphql/models.js'
import { badInput } from '../../graphql/errors.js'
import { isId } from '../../lib/text.js'
import { newId } from '../../lib/ids.js'
import { perUser, spend } from '../../lib/rate-limit.js'
import { MAX_ATTACHMENTS_PER_MESSAGE } from '../../lib/limits.js'
import { AttachmentsRepository } from './attachments.repository.js'
import { type BlobStore, blobStoreFor, type Variant } from './storage.js'
import { NotAnImageError, processUpload } from './images.js'

/** an upload not sent within this long is deleted (contract part 2) */
export const UNSENT_TTL_MS = 24 * 60 * 60 * 1000
export const MAX_PER_MESSAGE = MAX_ATTACHMENTS_PER_MESSAGE
const NAME_MAX = 255
const SWEEP_BATCH = 500

// controls (C0, C1), bidi controls and path separators never reach a stored name
const NAME_STRIP = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g

/** the file name as uploaded, without any path, 1-255 code points ("file" when nothing is left) */
export function cleanFileName(raw: string | undefined): string {
  let s = String(raw ?? '').normalize('NFC')
  s = s.split(/[/\\]/).pop() ?? ''
  s = s.replace(NAME_STRIP, '').trim()
  if (s === '.' || s === '..') s = ''
  const cps = [...s]
  if (cps.length > NAME_MAX) {
    // keep the extension: "very long name….pdf"
    const dot = s.lastIndexOf('.')
    const ext = dot > 0 && s.length - dot <= 16 ? [...s.slice(dot)] : []
    s = cps.slice(0, NAME_MAX - ext.length).join('') + ext.join('')
  }
  return s || 'file'
}

export class UploadRefused extends Error {
  constructor(readonly status: number, readonly code: string, message: string) { super(message) }
}

export class AttachmentsService {
  readonly repo: AttachmentsRepository
  readonly store: BlobStore
  /** the clock of expiry (tests move it) */
  now: () => number = () => Date.now()
  private timer: NodeJS.Timeout | null = null
  private sweeping: Promise<number> | null = null

  constructor(private svc: Services) {
    this.repo = new AttachmentsRepository(svc.database.db)
    this.store = blobStoreFor(svc.config.databaseUrl, svc.database.db)
  }

  start() {
    this.timer = setInterval(() => { void this.sweep().catch((e) => this.svc.log.error({ err: e }, 'upload sweep failed')) }, this.svc.config.uploads.sweepIntervalMs)
    this.timer.unref()
  }

  async stop() {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    await this.sweeping?.catch(() => 0)
  }

  /** before reading the body: counts against UPLOAD_RATE_LIMIT */
  async spendUpload(userId: string) {
    // off with SEND_RATE_LIMIT_PER_USER=0, as every per-user limit is (contract part 2)
    await spend(this.svc.limits, `upload:${userId}`, perUser(this.svc.config, this.svc.config.uploads.rateLimit), 60_000)
  }

  /** Stores an upload: bytes first, then the row (a failure in between leaves no row without bytes). */
  async upload(viewer: Viewer, filename: string | undefined, data: Buffer): Promise<AttachmentModel> {
    if (data.length === 0) throw new UploadRefused(400, 'BAD_USER_INPUT', 'The file is empty')
    let processed
    try {
      processed = await processUpload(data)
    } catch (e) {
      if (e instanceof NotAnImageError) throw new UploadRefused(400, 'BAD_USER_INPUT', 'The image could not be read')
      throw e
    }
    const id = newId()
    await this.store.put(id, 'file', processed.data)
    try {
      if (processed.thumbnail) await this.store.put(id, 'thumbnail', processed.thumbnail)
      return await this.repo.insert({
        id, uploader_id: viewer.userId, name: cleanFileName(filename), content_type: processed.contentType, size: processed.data.length,
        width: processed.width, height: processed.height, has_thumbnail: processed.thumbnail ? 1 : 0, created_at: this.now(),
        message_id: null, room_id: null, position: null,
      })
    } catch (e) {
      await this.store.delete([id]).catch(() => undefined)
      throw e
    }
  }

  /**
   * The bytes of an upload if the viewer may read them, else null (404): the uploader until it is
   * sent; then the readers of its room (PUBLIC rooms: anyone signed in); an avatar's thumbnail:
   * anyone signed in.
   */
  async read(viewerId: string | null, id: string, variant: Variant): Promise<{ attachment: AttachmentModel; data: Buffer } | null> {
    if (!viewerId || !isId(id)) return null
    const a = await this.repo.byId(id)
    if (!a || (variant === 'thumbnail' && !a.hasThumbnail)) return null
    if (!(await this.mayRead(viewerId, a, variant))) return null
    const data = await this.store.get(a.id, variant)
    return data ? { attachment: a, data } : null
  }

  private async mayRead(viewerId: string, a: AttachmentModel, variant: Variant): Promise<boolean> {
    if (a.messageId === null) {
      if (a.uploaderId === viewerId) return a.createdAt >= this.now() - UNSENT_TTL_MS || (await this.repo.isAvatar(a.id))
    } else if (a.roomId && (await this.svc.rooms.userMayRead(a.roomId, viewerId))) {
      return true
    }
    return variant === 'thumbnail' && this.repo.isAvatar(a.id)
  }

  /** Message.attachments, batched per operation */
  async ofMessage(ctx: Ctx, m: MessageModel): Promise<AttachmentModel[]> {
    if (m.deletedAt !== null) return []
    if (m.attachments) return m.attachments
    return (await ctx.loaders.of<string, AttachmentModel[]>('attachments', (ids) => this.repo.byMessages(ids)).load(m.id)) ?? []
  }

  /** sendMessage's attachmentIds: 1-10 distinct ids (BAD_USER_INPUT otherwise) */
  checkIds(ids: readonly string[]): string[] {
    if (ids.length < 1 || ids.length > MAX_PER_MESSAGE) throw badInput('attachmentIds', `Attach 1-${MAX_PER_MESSAGE} files to a message`)
    if (new Set(ids).size !== ids.length) throw badInput('attachmentIds', 'The same file is attached twice')
    if (!ids.every(isId)) throw badInput('attachmentIds', 'Only your own uploads that are not sent yet can be attached')
    return [...ids]
  }

  /** attaches the viewer's unsent uploads to a message about to be stored; all or nothing */
  async claim(ids: string[], uploaderId: string, messageId: string, roomId: string): Promise<void> {
    const ok = await this.repo.claim(ids, uploaderId, messageId, roomId, this.now() - UNSENT_TTL_MS)
    if (!ok) throw badInput('attachmentIds', 'Only your own uploads that are not sent yet can be attached')
  }

  release(messageId: string): Promise<void> {
    return this.repo.release(messageId)
  }

  /** a deleted message's attachments go with it (an avatar stays, detached) */
  async deleteOfMessage(messageId: string): Promise<void> {
    await this.remove(await this.repo.idsOfMessage(messageId))
  }

  /** a deleted room's attachments go with it */
  async deleteOfRoom(roomId: string): Promise<void> {
    await this.remove(await this.repo.idsOfRoom(roomId))
  }

  private async remove(ids: string[]) {
    const keep: string[] = []
    for (const id of ids) if (await this.repo.isAvatar(id)) keep.push(id)
    if (keep.length) await this.svc.database.db.updateTable('attachments').set({ message_id: null, room_id: null, position: null }).where('id', 'in', keep).execute()
    const gone = ids.filter((id) => !keep.includes(id))
    if (!gone.length) return
    // bytes first: a failure in between leaves a row the sweep finds again, never bytes without a row
    await this.store.delete(gone)
    await this.repo.deleteRows(gone)
  }

  /** deletes uploads never sent within 24 hours (and claims whose message was never stored); returns how many */
  sweep(): Promise<number> {
    this.sweeping ??= (async () => {
      let total = 0
      try {
        for (;;) {
          const ids = await this.repo.expired(this.now() - UNSENT_TTL_MS, SWEEP_BATCH)
          if (!ids.length) break
          await this.store.delete(ids)
          await this.repo.deleteRows(ids)
          total += ids.length
          if (ids.length < SWEEP_BATCH) break
        }
      } finally {
        this.sweeping = null
      }
      return total
    })()
    return this.sweeping
  }

  /** setAvatar's check: one of the viewer's own image uploads, still kept */
  async avatarCandidate(viewerId: string, id: string): Promise<AttachmentModel> {
    const a = isId(id) ? await this.repo.byId(id) : null
    const expired = a && a.messageId === null && a.createdAt < this.now() - UNSENT_TTL_MS
    if (!a || a.uploaderId !== viewerId || expired) throw badInput('attachmentId', 'Choose one of your own uploads')
    if (!a.hasThumbnail) throw badInput('attachmentId', 'An avatar must be a PNG, JPEG, GIF or WebP image')
    return a
  }
}

export const attachmentUrl = (a: { id: string }) => `/uploads/${a.id}`
export const thumbnailUrl = (a: { id: string; hasThumbnail: boolean }) => (a.hasThumbnail ? `/uploads/${a.id}/thumbnail` : null)
