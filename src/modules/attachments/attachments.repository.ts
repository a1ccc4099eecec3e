import { type Kysely, type Selectable, sql } from 'kysely'
import type { AttachmentsTable, DB } from '../../db/types.js'
import type { AttachmentModel } from '../../graphql/models.js'
import { nextUpdatedAt } from '../users/users.repository.js'

export function toAttachment(r: Selectable<AttachmentsTable>): AttachmentModel {
  return {
    id: r.id,
    uploaderId: r.uploader_id,
    name: r.name,
    contentType: r.content_type,
    size: Number(r.size),
    width: r.width,
    height: r.height,
    hasThumbnail: Number(r.has_thumbnail) === 1,
    createdAt: Number(r.created_at),
    messageId: r.message_id,
    roomId: r.room_id,
    position: r.position,
  }
}

export class AttachmentsRepository {
  constructor(private db: Kysely<DB>) {}

  async insert(row: AttachmentsTable): Promise<AttachmentModel> {
    await this.db.insertInto('attachments').values(row).execute()
    return toAttachment(row)
  }

  async byId(id: string): Promise<AttachmentModel | null> {
    const r = await this.db.selectFrom('attachments').selectAll().where('id', '=', id).executeTakeFirst()
    return r ? toAttachment(r) : null
  }

  /** the attachments of each message, in their order */
  async byMessages(messageIds: string[]): Promise<Map<string, AttachmentModel[]>> {
    const out = new Map<string, AttachmentModel[]>()
    if (!messageIds.length) return out
    const rows = await this.db.selectFrom('attachments').selectAll().where('message_id', 'in', messageIds).orderBy('message_id').orderBy('position').execute()
    for (const r of rows) {
      const list = out.get(r.message_id!) ?? []
      list.push(toAttachment(r))
      out.set(r.message_id!, list)
    }
    return out
  }

  /**
   * Claims the uploader's unsent, unexpired uploads for a message, in one statement per upload
   * guarded by `message_id IS NULL`: two sends racing for one upload cannot both have it. All or
   * nothing: on a shortfall the claimed ones are released and false is returned.
   */
  async claim(ids: string[], uploaderId: string, messageId: string, roomId: string, notBefore: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      let n = 0
      for (const [position, id] of ids.entries()) {
        const r = await trx.updateTable('attachments').set({ message_id: messageId, room_id: roomId, position })
          .where('id', '=', id).where('uploader_id', '=', uploaderId).where('message_id', 'is', null).where('created_at', '>=', notBefore)
          .executeTakeFirst()
        n += Number(r.numUpdatedRows)
      }
      if (n !== ids.length) {
        await trx.updateTable('attachments').set({ message_id: null, room_id: null, position: null }).where('message_id', '=', messageId).execute()
        return false
      }
      return true
    })
  }

  async release(messageId: string): Promise<void> {
    await this.db.updateTable('attachments').set({ message_id: null, room_id: null, position: null }).where('message_id', '=', messageId).execute()
  }

  async idsOfMessage(messageId: string): Promise<string[]> {
    return (await this.db.selectFrom('attachments').select('id').where('message_id', '=', messageId).execute()).map((r) => r.id)
  }

  async idsOfRoom(roomId: string): Promise<string[]> {
    return (await this.db.selectFrom('attachments').select('id').where('room_id', '=', roomId).execute()).map((r) => r.id)
  }

  /**
   * Uploads to sweep: created before `before` and never sent (or claimed by a send that never
   * stored its message), and nobody's avatar.
   */
  async expired(before: number, limit: number): Promise<string[]> {
    const rows = await this.db.selectFrom('attachments as a').select('a.id')
      .where('a.created_at', '<', before)
      .where((eb) => eb.or([
        eb('a.message_id', 'is', null),
        eb.not(eb.exists(eb.selectFrom('messages as m').select(sql`1`.as('one')).whereRef('m.id', '=', 'a.message_id'))),
      ]))
      .where((eb) => eb.not(eb.exists(eb.selectFrom('users as u').select(sql`1`.as('one')).whereRef('u.avatar_id', '=', 'a.id'))))
      .limit(limit).execute()
    return rows.map((r) => r.id)
  }

  async deleteRows(ids: string[]): Promise<void> {
    if (!ids.length) return
    await this.db.deleteFrom('attachments').where('id', 'in', ids).execute()
  }

  /** whether the upload is some user's avatar */
  async isAvatar(id: string): Promise<boolean> {
    return !!(await this.db.selectFrom('users').select('id').where('avatar_id', '=', id).executeTakeFirst())
  }

  async setAvatar(userId: string, attachmentId: string | null, now: number): Promise<void> {
    await this.db.updateTable('users').set({ avatar_id: attachmentId, updated_at: nextUpdatedAt(now) }).where('id', '=', userId).execute()
  }
}
