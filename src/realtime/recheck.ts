// After a pub/sub outage: what this instance holds open is checked against the database, so a
// revocation or a room leave/delete whose control message was dropped while Redis was away still
// takes effect. Sockets of sessions that are revoked or expired close with 4403; room
// subscriptions of a deleted room, or of a viewer who is no longer a member, get the control
// message they missed, delivered here only, and end exactly as the original would have ended them.
import type { Services } from '../services.js'
import type { Gateway } from './gateway.js'
import { topics } from './topics.js'

const CHUNK = 500
const ROOM_CONTROL = /^room\.(.+)\.control$/

function chunks<T>(list: T[]): T[][] {
  const out: T[][] = []
  for (let i = 0; i < list.length; i += CHUNK) out.push(list.slice(i, i + CHUNK))
  return out
}

export class OutageRecheck {
  private running: Promise<void> | null = null
  private again = false
  /** re-checks that ran to the end; tests wait on it */
  completed = 0

  constructor(private svc: Services, private gateway: Gateway) {}

  /** Runs a re-check; calls while one runs fold into a single run after it. */
  request(): Promise<void> {
    if (this.running) { this.again = true; return this.running }
    this.running = (async () => {
      try {
        do {
          this.again = false
          try {
            await this.run()
            this.completed++
          } catch (err) {
            this.svc.log.error({ err }, 're-check after pub/sub outage failed')
          }
        } while (this.again)
      } finally {
        this.running = null
      }
    })()
    return this.running
  }

  private async run() {
    const db = this.svc.database.db
    const now = Date.now()
    // sessions: revoked or expired meanwhile -> the sockets close (4403), as a revocation would
    for (const ids of chunks(this.gateway.openSessionIds())) {
      const rows = await db.selectFrom('sessions').select('id')
        .where('id', 'in', ids).where('revoked_at', 'is', null).where('expires_at', '>', now).execute()
      const live = new Set(rows.map((r) => r.id))
      for (const id of ids) if (!live.has(id)) this.gateway.closeSession(id)
    }
    // rooms with subscriptions here: deleted -> 'deleted'; a signed-in user here who is no longer
    // a member -> 'left' for them (only their own member-bound subscriptions react to it)
    const roomIds: string[] = []
    for (const t of this.svc.pubsub.localTopics()) {
      const m = ROOM_CONTROL.exec(t)
      if (m) roomIds.push(m[1])
    }
    if (!roomIds.length) return
    const users = this.gateway.openUserIds()
    for (const rooms of chunks(roomIds)) {
      const existing = new Set((await db.selectFrom('rooms').select('id').where('id', 'in', rooms).execute()).map((r) => r.id))
      for (const roomId of rooms) {
        if (!existing.has(roomId)) this.svc.pubsub.deliverLocal(topics.roomControl(roomId), { type: 'deleted', at: Date.now(), recheck: true })
      }
      const live = rooms.filter((id) => existing.has(id))
      if (!live.length || !users.length) continue
      const members = new Set<string>()
      for (const us of chunks(users)) {
        const rows = await db.selectFrom('room_members').select(['room_id', 'user_id'])
          .where('room_id', 'in', live).where('user_id', 'in', us).execute()
        for (const r of rows) members.add(`${r.room_id} ${r.user_id}`)
      }
      for (const roomId of live) {
        for (const userId of users) {
          if (!members.has(`${roomId} ${userId}`)) this.svc.pubsub.deliverLocal(topics.roomControl(roomId), { type: 'left', userId, at: Date.now(), recheck: true })
        }
      }
    }
  }
}
