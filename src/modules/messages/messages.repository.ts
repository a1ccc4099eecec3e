import { type Kysely, type Selectable, sql } from 'kysely'
import type { DB, Dialect, MessagesTable, SqliteSync, UsersTable } from '../../db/types.js'
import { toUser } from '../users/users.repository.js'
import type { MessageEventKind, MessageEventModel, MessageModel, ReactionGroupModel } from '../../graphql/models.js'
import { compiledOnce, prepareOnce } from '../../db/compiled.js'
import { codePoints } from '../../lib/text.js'
import { SEARCH_MIN_PREFIX } from '../../lib/limits.js'
import { SearchIndex } from './search-index.js'
import { retryTransient } from '../../db/retry.js'
import { indexedWords } from '../../lib/search-words.js'

/**
 * The columns a message is read with, listed rather than `*`: on PostgreSQL the row also holds
 * search_words (about the body again, parsed into an array by the driver), which only the
 * search index needs
 */
const MESSAGE_FIELDS = ['id', 'room_id', 'seq', 'sender_id', 'body', 'client_id', 'created_at', 'edited_at', 'deleted_at', 'added_event_seq', 'reply_to_id', 'pinned_at', 'pinned_by'] as const
/** a message row as read (MESSAGE_FIELDS) */
export type MessageRow = Pick<Selectable<MessagesTable>, typeof MESSAGE_FIELDS[number]>

export function toMessage(r: MessageRow): MessageModel {
  return {
    id: r.id,
    roomId: r.room_id,
    seq: r.seq,
    senderId: r.sender_id,
    body: r.body,
    clientId: r.client_id,
    createdAt: r.created_at,
    editedAt: r.edited_at,
    deletedAt: r.deleted_at,
    addedEventSeq: r.added_event_seq,
    replyToId: r.reply_to_id,
    pinnedAt: r.pinned_at,
    pinnedById: r.pinned_by,
  }
}

const MESSAGE_COLUMNS = ['m.id', 'm.room_id', 'm.seq', 'm.sender_id', 'm.body', 'm.client_id', 'm.created_at', 'm.edited_at', 'm.deleted_at', 'm.added_event_seq', 'm.reply_to_id', 'm.pinned_at', 'm.pinned_by'] as const

export class RoomGoneError extends Error {}
/** the sender was no longer a member when the send came to store its message: nothing was stored */
export class NotMemberError extends Error {}
/** a direct message across a block (either way) that landed before the send was stored: nothing was stored */
export class BlockedError extends Error {}
/** the message was deleted while the change waited for the room */
export class MessageDeletedError extends Error {}
/** a per-message or per-room cap (distinct emoji, pins) would be passed */
export class CapReachedError extends Error {}
/** the change would change nothing (pinning a pinned message): rolled back with its seq */
class NoChange extends Error {}

/** the cap on distinct emoji per message and pins per room (contract part 2) */
export const MAX_EMOJI_PER_MESSAGE = 20
export const MAX_PINS_PER_ROOM = 50

export interface ReactionRow { messageId: string; userId: string; emoji: string }

/** a row of the PostgreSQL send statement: the new seqs (null when nothing was stored), the sender, and with the checks their outcome */
type PgSendRow = { msg_seq: number | null; event_seq: number | null; at: number | string | null; member?: number | string; existing?: string | null; blocked?: boolean | null }
  & { [k in keyof Selectable<UsersTable> as `u_${k}`]: Selectable<UsersTable>[k] | null }

/**
 * `peerId`: a DIRECT room's other person. The send then also checks, where it is stored, that no
 * block stands between the two: a block acknowledged before the message was stored keeps it out
 * (checked before only, a send racing blockUser was stored after its answer).
 */
type NewMessage = { id: string; roomId: string; senderId: string; body: string; clientId: string | null; replyToId: string | null; now: number; peerId?: string | null }
/** a checked send's outcome: the stored event, or nothing stored and why (not a member, or the clientId's message exists) */
export type CheckedSend = { ev: MessageEventModel } | { ev: null; member: boolean; existingId: string | null }
type Pending = { m: NewMessage; checked: boolean; resolve: (r: CheckedSend) => void; reject: (e: unknown) => void }

const GROUP_MAX = 256

export class MessagesRepository {
  /** sends waiting for the next group commit (SQLite) */
  private pending: Pending[] = []
  private flushing = false
  /** performance.now() when the last group commit finished (see enqueue) */
  private lastCommit = -Infinity
  /** SQLite: group commits made, and the sends they stored or checked */
  readonly commits = { commits: 0, sends: 0 }

  /** the four statements of a send on SQLite, compiled once (they run in every group commit) */
  private readonly sendSql
  /** before a send: the sender's membership and an earlier message with the same clientId, in one statement */
  private readonly precheck

  /** SQLite: the full-text index, written in batches after the sends (null on PostgreSQL) */
  readonly searchIndex: SearchIndex | null

  /**
   * `gate`: while it gives a promise, group commits wait for it (a checkpoint finishing,
   * src/db/checkpointer.ts). `sync` (SQLite, required there): the connection the group commit
   * runs its statements on directly (see transact). `groupCommitMs` (SQLite): how long a send
   * under load waits for others to share its commit (SQLITE_GROUP_COMMIT_MS; 0: none, see enqueue).
   */
  constructor(private db: Kysely<DB>, private dialect: Dialect, private gate: () => Promise<void> | null = () => null, search: { delayMs: number; onError: (e: unknown) => void } = { delayMs: 200, onError: () => {} }, private sync: SqliteSync | null = null, private groupCommitMs = 0) {
    if (dialect === 'sqlite' && !sync) throw new Error('MessagesRepository on SQLite needs the connection (Database.sqlite) for its group commit')
    this.searchIndex = dialect === 'sqlite' ? new SearchIndex(db, search.delayMs, search.onError) : null
    // marks a crash or a shutdown left behind
    this.searchIndex?.wrote()
    this.precheck = compiledOnce(db, 3, (roomId: string, userId: string, clientId: string | null) => db.selectFrom('room_members as rm')
      .select('rm.role')
      .select((eb) => eb.selectFrom('messages as m').select('m.id')
        .where('m.sender_id', '=', userId).where('m.room_id', '=', roomId).where('m.client_id', '=', clientId).as('existing'))
      .where('rm.room_id', '=', roomId).where('rm.user_id', '=', userId))
    this.sendSql = {
      // a message's time is after its room's previous message's (by 1 ms when the clock says otherwise): a
      // room's messages are in time order as in seq order, which search pages by
      bump: compiledOnce(db, 2, (now: number, roomId: string) => db.updateTable('rooms')
        .set((eb) => ({ msg_seq: eb('msg_seq', '+', 1), event_seq: eb('event_seq', '+', 1), last_activity_at: sql<number>`max(${now}, last_activity_at + 1)` }))
        .where('id', '=', roomId).returning(['msg_seq', 'event_seq', 'last_activity_at'])),
      message: compiledOnce(db, 9, (id: string, roomId: string, seq: number, senderId: string, body: string, clientId: string | null, at: number, eventSeq: number, replyToId: string | null) =>
        db.insertInto('messages').values({
          id, room_id: roomId, seq, sender_id: senderId, body, client_id: clientId, created_at: at, edited_at: null, deleted_at: null, added_event_seq: eventSeq, reply_to_id: replyToId,
        })),
      event: compiledOnce(db, 4, (roomId: string, seq: number, messageId: string, at: number) =>
        db.insertInto('message_events').values({ room_id: roomId, seq, kind: 'ADDED', message_id: messageId, at })),
      mark: compiledOnce(db, 4, (seq: number, roomId: string, userId: string, below: number) =>
        db.updateTable('room_members').set({ last_read_seq: seq })
          .where('room_id', '=', roomId).where('user_id', '=', userId).where('last_read_seq', '<', below)),
      // the sender as of the send, read in its transaction: rendering the event (the answer, every
      // subscriber) then asks nothing, as on PostgreSQL. One statement fewer per send; in the
      // rooms bench its CPU is within the noise (ws NORMAL 97.2 -> 96.6 µs/dlv, medians of 3)
      sender: compiledOnce(db, 1, (id: string) => db.selectFrom('users').selectAll().where('id', '=', id)),
      blocked: compiledOnce(db, 2, (a: string, b: string) => db.selectFrom('blocks').select('blocker_id')
        .where((eb) => eb.or([eb.and([eb('blocker_id', '=', a), eb('blocked_id', '=', b)]), eb.and([eb('blocker_id', '=', b), eb('blocked_id', '=', a)])]))),
    }
  }

  async byId(id: string): Promise<MessageModel | null> {
    const r = await this.db.selectFrom('messages').select(MESSAGE_FIELDS).where('id', '=', id).executeTakeFirst()
    return r ? toMessage(r) : null
  }

  async byIds(ids: string[]): Promise<Map<string, MessageModel>> {
    const out = new Map<string, MessageModel>()
    if (!ids.length) return out
    for (const r of await this.db.selectFrom('messages').select(MESSAGE_FIELDS).where('id', 'in', ids).execute()) out.set(r.id, toMessage(r))
    return out
  }

  /** whether the user is a member of the room, and the id of their message with this clientId if one is stored */
  async sendCheck(roomId: string, userId: string, clientId: string | null): Promise<{ member: boolean; existingId: string | null }> {
    const [r] = await this.precheck(roomId, userId, clientId)
    return { member: !!r, existingId: r?.existing ?? null }
  }

  async byClientId(senderId: string, roomId: string, clientId: string): Promise<MessageModel | null> {
    const r = await this.db.selectFrom('messages').select(MESSAGE_FIELDS)
      .where('sender_id', '=', senderId).where('room_id', '=', roomId).where('client_id', '=', clientId).executeTakeFirst()
    return r ? toMessage(r) : null
  }

  /**
   * Stores a message and its ADDED event. Both numbers come from the room row, incremented in
   * the same transaction: the row lock (PostgreSQL) or the database write lock (SQLite) orders
   * concurrent senders, and a rolled-back send gives its numbers back, so there is never a gap.
   *
   * On SQLite, sends that arrive together share one transaction (group commit): one BEGIN,
   * one write lock and one set of WAL frames (the room row's page is written once, not once per
   * message) for the whole batch. A commit itself no longer fsyncs: the connection runs
   * synchronous=NORMAL, and with SQLITE_SYNCHRONOUS=FULL the WAL is fdatasync'ed in a worker
   * thread, once for every commit made meanwhile (src/db/wal-sync.ts); the send is acknowledged
   * and its event published only after that.
   */
  insert(m: NewMessage): Promise<MessageEventModel> {
    if (this.dialect !== 'sqlite') return this.insertPg(m)
    return this.enqueue(m, false).then((r) => r.ev!)
  }

  /**
   * The common send with its checks in the same transaction (PostgreSQL: the same statement):
   * stored only when the sender is a member and has no message with the clientId yet.
   * Otherwise nothing is written and the answer says why; the caller then runs the full checks.
   * On SQLite the checks run inside the group commit, on its connection: a read through kysely
   * before it cost some 25 µs of the main thread per send (its promises and its own statement).
   */
  insertChecked(m: NewMessage): Promise<CheckedSend> {
    if (this.dialect !== 'sqlite') return this.insertPgChecked(m)
    return this.enqueue(m, true)
  }

  /** a send for the next group commit (SQLite) */
  private enqueue(m: NewMessage, checked: boolean): Promise<CheckedSend> {
    return new Promise((resolve, reject) => {
      this.pending.push({ m, checked, resolve, reject })
      if (!this.flushing) {
        this.flushing = true
        // Under load a send waits up to `groupCommitMs` for others to share its commit. A commit's
        // cost is mostly per commit (its WAL frames: some ten pages for a lone send, four a send in a
        // batch of eight), and at 1000 sends/s the loop's own turns made batches of 1.2-1.3 sends.
        // "Under load": a commit finished within the last two windows; after a quiet spell a send
        // commits at once (the next turn of the loop), so a lone send waits for nothing.
        if (this.groupCommitMs > 0 && performance.now() - this.lastCommit < 2 * this.groupCommitMs) setTimeout(() => { void this.flush() }, this.groupCommitMs)
        else setImmediate(() => { void this.flush() })
      }
    })
  }

  private async flush() {
    while (this.pending.length) {
      const hold = this.gate()
      if (hold) await hold
      const batch = this.pending.splice(0, GROUP_MAX)
      this.commits.commits++
      this.commits.sends += batch.length
      try {
        const results = await this.transact(batch)
        batch.forEach((p, i) => p.resolve(results[i]))
        this.searchIndex?.wrote()
      } catch {
        // one bad send (a deleted room, a racing clientId) must not fail the others: alone, each gets its own answer
        for (const p of batch) await this.transact([p]).then((rs) => p.resolve(rs[0]), p.reject)
        this.searchIndex?.wrote()
      }
    }
    this.flushing = false
    this.lastCommit = performance.now()
  }

  /**
   * One transaction storing the sends, in order. With the connection at hand (SQLite) its
   * statements run one after the other without yielding: kysely's path costs a few promises and
   * objects per statement around better-sqlite3's synchronous call (a lone compiled statement
   * 4.9 µs through kysely in a transaction, 3.1 µs directly), and a send is six of them.
   */
  private transact(ps: Pending[]): Promise<CheckedSend[]> {
    const s = this.sync!
    return s.exclusive(() => {
      // IMMEDIATE: the write lock first (its busy timeout applies). A deferred transaction starts as a
      // read (the send's check comes first) and SQLite refuses its upgrade at once, without waiting,
      // while another connection holds the lock (tests/security/failures: another process's lock)
      s.rows('begin immediate', [])
      try {
        const out = ps.map((p) => this.insertNow(s, p.m, p.checked))
        s.rows('commit', [])
        return out
      } catch (e) {
        try { s.rows('rollback', []) } catch { /* no transaction left to roll back */ }
        throw e
      }
    })
  }

  /**
   * PostgreSQL: the whole send is one statement. The room row's lock is taken by its first step
   * and released at its commit, with no client round trip in between: with separate statements
   * other senders of the room queued behind a lock held across four round trips.
   */
  private async insertPg(m: NewMessage): Promise<MessageEventModel> {
    // the statement stores only under the membership its own snapshot saw and the room's member
    // epoch it read; a removal (or the room's deletion) committed while it waited for the room's
    // lock leaves it storing nothing, and a new snapshot decides again. A statement rolled back by
    // a deadlock (src/db/retry.ts) runs again: it stored nothing
    for (let attempt = 0; attempt < 5; attempt++) {
      const row = await retryTransient(() => this.runPgSend(m, false))
      if (row && row.msg_seq !== null) return this.pgEvent(m, row)
      if (row?.blocked) throw new BlockedError()
      if (Number(row?.member ?? 0) === 0) throw new NotMemberError()
    }
    throw new Error('the room\'s members kept changing while the message waited to be stored')
  }

  /**
   * PostgreSQL, the common send with its checks in the same statement (one round trip instead of
   * two): stored only when the sender is a member and has no message with the clientId yet.
   * Otherwise nothing is written and the answer says why; the caller then runs the full checks.
   */
  private async insertPgChecked(m: NewMessage): Promise<CheckedSend> {
    const row = await retryTransient(() => this.runPgSend(m, true))
    if (row && row.msg_seq !== null) return { ev: this.pgEvent(m, row) }
    return { ev: null, member: Number(row?.member ?? 0) > 0, existingId: row?.existing ?? null }
  }

  /** the send statements' texts (checked or not, direct or not), each a prepared statement on every connection (src/db/compiled.ts) */
  private pgSendPrepared = new Set<string>()

  private async runPgSend(m: NewMessage, checked: boolean): Promise<PgSendRow | undefined> {
    // chk reads the sender's membership and the room's member epoch in the statement's snapshot;
    // the room's update re-reads its row once it holds the lock (PostgreSQL re-checks the WHERE of
    // a row changed meanwhile), so a removal committed while this waited moved the epoch and
    // nothing is stored. A membership check alone would pass on the old snapshot. `checked`: also
    // nothing when the sender already has a message with the clientId (the caller answers it).
    // With a peer (a DIRECT room): nothing when a block stands between them, read in the same
    // snapshot; a block committed while this waited for the room's lock moved the epoch too
    // (FriendsRepository.addBlock), and the next attempt's snapshot sees it.
    const none = sql``
    const peer = m.peerId ?? null
    const send = sql<PgSendRow>`
      WITH chk AS (
        SELECT ro.member_epoch AS epoch${checked ? sql`, (SELECT x.id FROM messages x WHERE x.sender_id = ${m.senderId} AND x.room_id = ${m.roomId} AND x.client_id = ${m.clientId}) AS existing` : none}${peer ? sql`,
          EXISTS (SELECT 1 FROM blocks b WHERE (b.blocker_id = ${m.senderId} AND b.blocked_id = ${peer}) OR (b.blocker_id = ${peer} AND b.blocked_id = ${m.senderId})) AS blocked` : none}
        FROM rooms ro JOIN room_members rm ON rm.room_id = ro.id AND rm.user_id = ${m.senderId} WHERE ro.id = ${m.roomId}
      ), r AS (
        UPDATE rooms SET msg_seq = msg_seq + 1, event_seq = event_seq + 1, last_activity_at = GREATEST(${m.now}::bigint, last_activity_at + 1)
        WHERE id = ${m.roomId} AND member_epoch = (SELECT epoch FROM chk)${checked ? sql` AND (SELECT existing FROM chk) IS NULL` : none}${peer ? sql` AND NOT (SELECT blocked FROM chk)` : none} RETURNING msg_seq, event_seq, last_activity_at
      ), msg AS (
        INSERT INTO messages (id, room_id, seq, sender_id, body, client_id, created_at, edited_at, deleted_at, added_event_seq, reply_to_id, search_words)
        SELECT ${m.id}, ${m.roomId}, r.msg_seq, ${m.senderId}, ${m.body}, ${m.clientId}, r.last_activity_at, NULL, NULL, r.event_seq, ${m.replyToId}, ${indexedWords(m.body)}::text[] FROM r
        RETURNING id
      ), ev AS (
        INSERT INTO message_events (room_id, seq, kind, message_id, at)
        SELECT ${m.roomId}, r.event_seq, 'ADDED', msg.id, r.last_activity_at FROM r, msg
      ), mark AS (
        UPDATE room_members SET last_read_seq = r.msg_seq FROM r
        WHERE room_members.room_id = ${m.roomId} AND room_members.user_id = ${m.senderId} AND room_members.last_read_seq < r.msg_seq
      )
      SELECT (SELECT count(*) FROM chk) AS member, ${checked ? sql`(SELECT existing FROM chk) AS existing, ` : none}${peer ? sql`(SELECT blocked FROM chk) AS blocked, ` : none}r.msg_seq, r.event_seq, r.last_activity_at AS at,
        u.id AS u_id, u.username AS u_username, u.display_name AS u_display_name,
        u.first_name AS u_first_name, u.last_name AS u_last_name, u.created_at AS u_created_at, u.updated_at AS u_updated_at,
        u.last_seen_at AS u_last_seen_at, u.avatar_id AS u_avatar_id
      FROM (SELECT 1) AS one LEFT JOIN r ON true LEFT JOIN users u ON u.id = ${m.senderId} AND r.msg_seq IS NOT NULL`
    const v = `${checked}:${!!peer}`
    if (!this.pgSendPrepared.has(v)) { prepareOnce(send.compile(this.db).sql); this.pgSendPrepared.add(v) }
    return (await send.execute(this.db)).rows[0]
  }

  private pgEvent(m: NewMessage, seqs: PgSendRow): MessageEventModel {
    const row: MessagesTable = {
      id: m.id, room_id: m.roomId, seq: Number(seqs.msg_seq), sender_id: m.senderId, body: m.body, client_id: m.clientId,
      created_at: Number(seqs.at), edited_at: null, deleted_at: null, added_event_seq: Number(seqs.event_seq), reply_to_id: m.replyToId, pinned_at: null, pinned_by: null,
    }
    // the sender as the send's own statement read it: rendering the event needs no query of its own
    const sender = seqs.u_id === null ? undefined : toUser({
      id: seqs.u_id, username: seqs.u_username!, username_key: '', display_name: seqs.u_display_name!, first_name: seqs.u_first_name,
      last_name: seqs.u_last_name, password_hash: '', created_at: Number(seqs.u_created_at), updated_at: Number(seqs.u_updated_at),
      last_seen_at: seqs.u_last_seen_at === null ? null : Number(seqs.u_last_seen_at), avatar_id: seqs.u_avatar_id,
    })
    return { roomId: m.roomId, seq: row.added_event_seq, kind: 'ADDED' as const, message: { ...toMessage(row), reactions: [], sender }, at: row.created_at }
  }

  /**
   * One send's statements, run at once on SQLite's connection (inside a transaction of
   * `transact`). The sender's membership is read first: without it nothing is written (unchecked:
   * NotMemberError, since the caller's own checks ran before this transaction). `checked`: an
   * earlier message with the clientId too, and nothing is written when either is off (earlier
   * sends of the same batch count).
   */
  private insertNow(s: SqliteSync, m: NewMessage, checked: boolean): CheckedSend {
    const q = this.sendSql
    const [c] = this.precheck.now(s, m.roomId, m.senderId, m.clientId)
    if (checked) {
      if (!c) return { ev: null, member: false, existingId: null }
      if (c.existing) return { ev: null, member: true, existingId: c.existing }
    } else if (!c) {
      // the caller's checks ran before this transaction: a removal may have committed since
      throw new NotMemberError()
    }
    if (m.peerId && q.blocked.now(s, m.senderId, m.peerId).length) throw new BlockedError()
    const [seqs] = q.bump.now(s, m.now, m.roomId)
    if (!seqs) throw new RoomGoneError()
    const at = Number(seqs.last_activity_at)
    const row: MessagesTable = {
      id: m.id, room_id: m.roomId, seq: seqs.msg_seq, sender_id: m.senderId, body: m.body, client_id: m.clientId,
      created_at: at, edited_at: null, deleted_at: null, added_event_seq: seqs.event_seq, reply_to_id: m.replyToId, pinned_at: null, pinned_by: null,
    }
    q.message.now(s, m.id, m.roomId, seqs.msg_seq, m.senderId, m.body, m.clientId, at, seqs.event_seq, m.replyToId)
    q.event.now(s, m.roomId, seqs.event_seq, m.id, at)
    q.mark.now(s, seqs.msg_seq, m.roomId, m.senderId, seqs.msg_seq)
    const [sender] = q.sender.now(s, m.senderId)
    return { ev: { roomId: m.roomId, seq: seqs.event_seq, kind: 'ADDED' as const, message: { ...toMessage(row), reactions: [], sender: sender ? toUser(sender) : undefined }, at } }
  }

  /** an EDITED or DELETED event with the message's new state */
  async change(messageId: string, kind: 'EDITED' | 'DELETED', body: string, now: number): Promise<MessageEventModel> {
    return this.db.transaction().execute(async (trx) => {
      const current = await trx.selectFrom('messages').select('room_id').where('id', '=', messageId).executeTakeFirst()
      if (!current) throw new RoomGoneError()
      const seqs = await trx.updateTable('rooms').set((eb) => ({ event_seq: eb('event_seq', '+', 1) }))
        .where('id', '=', current.room_id).returning(['event_seq']).executeTakeFirst()
      if (!seqs) throw new RoomGoneError()
      // read again under the room's lock (taken by the update above): a delete that committed
      // while this waited wins, and the change is rolled back with its seq
      const fresh = await trx.selectFrom('messages').select('deleted_at').where('id', '=', messageId).executeTakeFirst()
      if (!fresh) throw new RoomGoneError()
      if (fresh.deleted_at !== null) throw new MessageDeletedError()
      // PostgreSQL: the words for search go with the body (a deleted message has none)
      const words = this.dialect === 'postgres' ? { search_words: kind === 'EDITED' ? indexedWords(body) : [] } : {}
      await trx.updateTable('messages')
        .set(kind === 'EDITED' ? { body, edited_at: now, ...words } : { body: '', deleted_at: now, pinned_at: null, pinned_by: null, ...words })
        .where('id', '=', messageId).execute()
      await trx.insertInto('message_events').values({ room_id: current.room_id, seq: seqs.event_seq, kind, message_id: messageId, at: now }).execute()
      const row = await trx.selectFrom('messages').select(MESSAGE_FIELDS).where('id', '=', messageId).executeTakeFirstOrThrow()
      const reactions = groupReactions(await this.reactionRowsIn(trx, [messageId])).get(messageId) ?? []
      return { roomId: current.room_id, seq: seqs.event_seq, kind, message: { ...toMessage(row), reactions }, at: now }
    }).finally(() => this.searchIndex?.wrote())
  }

  /**
   * Appends one event for a message under its room's lock (the event_seq bump), after `apply`
   * has made the change in the same transaction; `apply` throws NoChange to give the seq back.
   * Answers null when nothing changed.
   */
  private async appendEvent(messageId: string, kind: MessageEventKind, now: number,
    apply: (trx: Kysely<DB>, row: MessageRow) => Promise<void>): Promise<MessageEventModel | null> {
    try {
      return await this.db.transaction().execute(async (trx) => {
        const current = await trx.selectFrom('messages').select('room_id').where('id', '=', messageId).executeTakeFirst()
        if (!current) throw new RoomGoneError()
        const seqs = await trx.updateTable('rooms').set((eb) => ({ event_seq: eb('event_seq', '+', 1) }))
          .where('id', '=', current.room_id).returning(['event_seq']).executeTakeFirst()
        if (!seqs) throw new RoomGoneError()
        const fresh = await trx.selectFrom('messages').select(MESSAGE_FIELDS).where('id', '=', messageId).executeTakeFirst()
        if (!fresh) throw new RoomGoneError()
        await apply(trx, fresh)
        await trx.insertInto('message_events').values({ room_id: current.room_id, seq: seqs.event_seq, kind, message_id: messageId, at: now }).execute()
        const row = await trx.selectFrom('messages').select(MESSAGE_FIELDS).where('id', '=', messageId).executeTakeFirstOrThrow()
        const reactions = groupReactions(await this.reactionRowsIn(trx, [messageId])).get(messageId) ?? []
        return { roomId: current.room_id, seq: seqs.event_seq, kind, message: { ...toMessage(row), reactions }, at: now }
      })
    } catch (e) {
      if (e instanceof NoChange) return null
      throw e
    }
  }

  /** PINNED (null: already pinned); a deleted message: MessageDeletedError; the 51st pin of the room: CapReachedError */
  pin(messageId: string, userId: string, now: number): Promise<MessageEventModel | null> {
    return this.appendEvent(messageId, 'PINNED', now, async (trx, row) => {
      if (row.deleted_at !== null) throw new MessageDeletedError()
      if (row.pinned_at !== null) throw new NoChange()
      const n = await trx.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n'))
        .where('room_id', '=', row.room_id).where('pinned_at', 'is not', null).executeTakeFirstOrThrow()
      if (Number(n.n) >= MAX_PINS_PER_ROOM) throw new CapReachedError()
      await trx.updateTable('messages').set({ pinned_at: now, pinned_by: userId }).where('id', '=', messageId).execute()
    })
  }

  /** UNPINNED (null: was not pinned) */
  unpin(messageId: string, now: number): Promise<MessageEventModel | null> {
    return this.appendEvent(messageId, 'UNPINNED', now, async (trx, row) => {
      if (row.pinned_at === null) throw new NoChange()
      await trx.updateTable('messages').set({ pinned_at: null, pinned_by: null }).where('id', '=', messageId).execute()
    })
  }

  /** one REACTIONS_CHANGED event carrying the reactions as they are now */
  reactionsChanged(messageId: string, now: number): Promise<MessageEventModel | null> {
    return this.appendEvent(messageId, 'REACTIONS_CHANGED', now, async (trx) => {
      await trx.deleteFrom('reaction_events_pending').where('message_id', '=', messageId).execute()
    })
  }

  /** a reaction change, in its own transaction: its event is owed until reactionsChanged writes it */
  private async owesEvent(trx: Kysely<DB>, messageId: string, now: number) {
    await trx.insertInto('reaction_events_pending').values({ message_id: messageId, since: now })
      .onConflict((oc) => oc.column('message_id').doNothing()).execute()
  }

  /** messages whose reaction event has been owed since before `before` (its instance died meanwhile) */
  async reactionEventsOwed(before: number, limit: number): Promise<string[]> {
    const rows = await this.db.selectFrom('reaction_events_pending').select('message_id').where('since', '<', before).limit(limit).execute()
    return rows.map((r) => r.message_id)
  }

  /** the owed event, if it is still owed (another instance may have written it meanwhile): null otherwise */
  reactionsChangedIfOwed(messageId: string, now: number): Promise<MessageEventModel | null> {
    return this.appendEvent(messageId, 'REACTIONS_CHANGED', now, async (trx) => {
      const r = await trx.deleteFrom('reaction_events_pending').where('message_id', '=', messageId).executeTakeFirst()
      if (Number(r.numDeletedRows) === 0) throw new NoChange()
    })
  }

  /**
   * Adds a reaction; false when the user already had it. The message row is locked first
   * (PostgreSQL: FOR NO KEY UPDATE; SQLite: kysely's one connection runs transactions one at a time), so two new emoji racing for the 20th
   * place are counted one after the other. Not FOR UPDATE: the reaction tick's event insert takes a
   * key-share lock on the message (its foreign key) while it holds the owed-event mark this waits
   * for, which deadlocked.
   */
  async addReaction(messageId: string, userId: string, emoji: string, now: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      let q = trx.selectFrom('messages').select('deleted_at').where('id', '=', messageId)
      if (this.dialect === 'postgres') q = q.forNoKeyUpdate()
      const locked = await q.executeTakeFirst()
      if (!locked) throw new RoomGoneError()
      if (locked.deleted_at !== null) throw new MessageDeletedError()
      const mine = await trx.selectFrom('message_reactions').select('id')
        .where('message_id', '=', messageId).where('user_id', '=', userId).where('emoji', '=', emoji).executeTakeFirst()
      if (mine) return false
      const known = await trx.selectFrom('message_reactions').select('emoji').distinct().where('message_id', '=', messageId).execute()
      if (!known.some((k) => k.emoji === emoji) && known.length >= MAX_EMOJI_PER_MESSAGE) throw new CapReachedError()
      await trx.insertInto('message_reactions').values({ message_id: messageId, user_id: userId, emoji, created_at: now }).execute()
      await this.owesEvent(trx, messageId, now)
      return true
    })
  }

  /**
   * false when the user had no such reaction. Groups are ordered by their earliest row's id (the
   * first use of the emoji); when the removed row was that one and others remain, the next one
   * takes over its id, so the group keeps its place ("in order of each emoji's first use") instead
   * of moving behind emoji first used later. Its users keep their order: the one renumbered was
   * the earliest of them. Serialised per message as addReaction is (the message row's lock).
   */
  async removeReaction(messageId: string, userId: string, emoji: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      let q = trx.selectFrom('messages').select('id').where('id', '=', messageId)
      if (this.dialect === 'postgres') q = q.forNoKeyUpdate()
      if (!(await q.executeTakeFirst())) return false
      const gone = await trx.deleteFrom('message_reactions')
        .where('message_id', '=', messageId).where('user_id', '=', userId).where('emoji', '=', emoji).returning('id').executeTakeFirst()
      if (!gone) return false
      const next = await trx.selectFrom('message_reactions').select((eb) => eb.fn.min('id').as('id'))
        .where('message_id', '=', messageId).where('emoji', '=', emoji).executeTakeFirst()
      const nextId = next?.id === null || next?.id === undefined ? null : Number(next.id)
      if (nextId !== null && nextId > Number(gone.id)) {
        await trx.updateTable('message_reactions').set({ id: Number(gone.id) }).where('id', '=', nextId).execute()
      }
      await this.owesEvent(trx, messageId, Date.now())
      return true
    })
  }

  private async reactionRowsIn(db: Kysely<DB>, messageIds: string[]): Promise<ReactionRow[]> {
    if (!messageIds.length) return []
    const rows = await db.selectFrom('message_reactions').select(['message_id', 'user_id', 'emoji'])
      .where('message_id', 'in', messageIds).orderBy('id').execute()
    return rows.map((r) => ({ messageId: r.message_id, userId: r.user_id, emoji: r.emoji }))
  }

  /** the reactions of each message, grouped by emoji in order of first use, users earliest first */
  async reactionsOf(messageIds: string[]): Promise<Map<string, ReactionGroupModel[]>> {
    return groupReactions(await this.reactionRowsIn(this.db, messageIds))
  }

  /** each room's pinned messages, newest pin first (at most MAX_PINS_PER_ROOM each, by the cap) */
  async pinnedIn(roomIds: string[]): Promise<Map<string, MessageModel[]>> {
    const out = new Map<string, MessageModel[]>()
    if (!roomIds.length) return out
    const rows = await this.db.selectFrom('messages').select(MESSAGE_FIELDS).where('room_id', 'in', roomIds).where('pinned_at', 'is not', null)
      .orderBy('pinned_at', 'desc').orderBy('seq', 'desc').execute()
    for (const r of rows) {
      let list = out.get(r.room_id)
      if (!list) out.set(r.room_id, (list = []))
      if (list.length < MAX_PINS_PER_ROOM) list.push(toMessage(r))
    }
    return out
  }

  /** events with afterSeq < seq <= uptoSeq, in order, with the messages' current state */
  async eventsBetween(roomId: string, afterSeq: number, uptoSeq: number, limit: number): Promise<MessageEventModel[]> {
    const rows = await this.db.selectFrom('message_events as e').innerJoin('messages as m', 'm.id', 'e.message_id')
      .select(['e.seq as e_seq', 'e.kind as e_kind', 'e.at as e_at', ...MESSAGE_COLUMNS])
      .where('e.room_id', '=', roomId).where('e.seq', '>', afterSeq).where('e.seq', '<=', uptoSeq)
      .orderBy('e.seq').limit(limit).execute()
    // the reactions as they are now, read once per page: renders of these events need no query of their own
    const reactions = await this.reactionsOf([...new Set(rows.map((r) => r.id))])
    return rows.map((r) => ({ roomId, seq: r.e_seq, kind: r.e_kind as MessageEventKind, at: r.e_at, message: { ...toMessage(r), reactions: reactions.get(r.id) ?? [] } }))
  }

  /** messages with seq > afterSeq whose ADDED event is at most uptoEventSeq */
  async messagesAddedBetween(roomId: string, afterSeq: number, uptoEventSeq: number, limit: number): Promise<MessageModel[]> {
    const rows = await this.db.selectFrom('messages').select(MESSAGE_FIELDS)
      .where('room_id', '=', roomId).where('seq', '>', afterSeq).where('added_event_seq', '<=', uptoEventSeq)
      .orderBy('seq').limit(limit).execute()
    return rows.map(toMessage)
  }

  async roomHead(roomId: string): Promise<{ msgSeq: number; eventSeq: number } | null> {
    const r = await this.db.selectFrom('rooms').select(['msg_seq', 'event_seq']).where('id', '=', roomId).executeTakeFirst()
    return r ? { msgSeq: r.msg_seq, eventSeq: r.event_seq } : null
  }

  /** the event heads of several rooms at once (rooms that are gone are left out) */
  async eventHeads(roomIds: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>()
    for (let i = 0; i < roomIds.length; i += 500) {
      const rows = await this.db.selectFrom('rooms').select(['id', 'event_seq']).where('id', 'in', roomIds.slice(i, i + 500)).execute()
      for (const r of rows) out.set(r.id, r.event_seq)
    }
    return out
  }

  /** one page between exclusive bounds: the first `limit` after the lower bound, or the last `limit` before the upper */
  async page(roomId: string, lower: number | null, upper: number | null, limit: number, fromEnd: boolean): Promise<MessageModel[]> {
    let q = this.db.selectFrom('messages').select(MESSAGE_FIELDS).where('room_id', '=', roomId)
    if (lower !== null) q = q.where('seq', '>', lower)
    if (upper !== null) q = q.where('seq', '<', upper)
    const rows = await q.orderBy('seq', fromEnd ? 'desc' : 'asc').limit(limit).execute()
    if (fromEnd) rows.reverse()
    return rows.map(toMessage)
  }

  /** the newest message of each room */
  async lastOf(rooms: { id: string; msgSeq: number }[]): Promise<Map<string, MessageModel>> {
    const out = new Map<string, MessageModel>()
    const wanted = rooms.filter((r) => r.msgSeq > 0)
    if (!wanted.length) return out
    const rows = await this.db.selectFrom('messages').select(MESSAGE_FIELDS)
      .where((eb) => eb.or(wanted.map((r) => eb.and([eb('room_id', '=', r.id), eb('seq', '=', r.msgSeq)]))))
      .execute()
    for (const r of rows) out.set(r.room_id, toMessage(r))
    return out
  }

  /** others' non-deleted messages after the user's read marker, per room (up to a message's seq when given) */
  async unreadCounts(userId: string, roomIds: string[], upToSeq?: number): Promise<Map<string, number>> {
    const out = new Map<string, number>()
    if (!roomIds.length) return out
    const rows = await this.db.selectFrom('messages as m')
      .innerJoin('room_members as rm', (j) => j.onRef('rm.room_id', '=', 'm.room_id').on('rm.user_id', '=', userId))
      .select(['m.room_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('m.room_id', 'in', roomIds)
      .whereRef('m.seq', '>', 'rm.last_read_seq')
      .$if(upToSeq !== undefined, (q) => q.where('m.seq', '<=', upToSeq!))
      .where('m.sender_id', '!=', userId)
      .where('m.deleted_at', 'is', null)
      .groupBy('m.room_id').execute()
    for (const r of rows) out.set(r.room_id, Number(r.n))
    return out
  }

  /**
   * Full-text search: every word must match a word or word prefix. `roomIds` null means the
   * rooms the user belongs to. Oldest first, keyset on (created_at, id).
   */
  async search(words: string[], userId: string, roomId: string | null, after: { at: number; id: string } | null, limit: number): Promise<MessageModel[]> {
    // the rooms go into the index query itself (see the 2026_12_06 migration): the index then
    // only ever yields messages of the viewer's rooms, whatever else the database holds
    const roomIds = roomId ? [roomId] : await this.db.selectFrom('room_members').select('room_id').where('user_id', '=', userId).execute().then((r) => r.map((x) => x.room_id))
    if (!roomIds.length) return []
    const roomTokens = roomIds.map((id) => 'r' + id.replace(/-/g, '').toLowerCase())
    // a word shorter than SEARCH_MIN_PREFIX matches whole words only, not every word it starts
    const prefix = (w: string) => codePoints(w) >= SEARCH_MIN_PREFIX
    let q = this.db.selectFrom('messages as m').select([...MESSAGE_COLUMNS]).where('m.deleted_at', 'is', null)
    if (this.dialect === 'sqlite') {
      // every message stored before this search is in the index first
      await this.searchIndex?.ready()
      const body = words.map((w) => `"${w.replace(/"/g, '""')}"${prefix(w) ? '*' : ''}`).join(' AND ')
      const match = `{body} : (${body}) AND {room} : (${roomTokens.join(' OR ')})`
      q = q.where(sql<boolean>`m.rowid in (select rowid from messages_fts where messages_fts match ${match})`)
    } else {
      // the words go in as lexemes, through no parser (tsquery's input syntax: quoted, with
      // quotes doubled and backslashes escaped), as search_words holds them; the rooms as their
      // tokens here, "@" and the id as stored (no word holds "@": none is or begins a room token)
      const lexeme = (w: string) => `'${w.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`
      const words_ = words.map((w) => `${lexeme(w)}${prefix(w) ? ':*' : ''}`).join(' & ')
      const tsq = `(${words_}) & (${roomIds.map((id) => lexeme('@' + id)).join(' | ')})`
      // the expression of the index messages_search_words_idx (the 2026_12_07_0200 migration)
      q = q.where(sql<boolean>`array_to_tsvector(m.search_words || ('@' || m.room_id)) @@ ${tsq}::tsquery`)
    }
    q = q.where('m.room_id', 'in', roomIds)
    if (after) {
      q = q.where((eb) => eb.or([
        eb('m.created_at', '>', after.at),
        eb.and([eb('m.created_at', '=', after.at), eb('m.id', '>', after.id)]),
      ]))
    }
    const rows = await q.orderBy('m.created_at').orderBy('m.id').limit(limit).execute()
    return rows.map((r) => toMessage(r as MessageRow))
  }
}

export function groupReactions(rows: ReactionRow[]): Map<string, ReactionGroupModel[]> {
  const out = new Map<string, ReactionGroupModel[]>()
  const index = new Map<string, ReactionGroupModel>()
  for (const r of rows) {
    const key = `${r.messageId}\u0000${r.emoji}`
    let g = index.get(key)
    if (!g) {
      g = { messageId: r.messageId, emoji: r.emoji, userIds: [] }
      index.set(key, g)
      let list = out.get(r.messageId)
      if (!list) out.set(r.messageId, (list = []))
      list.push(g)
    }
    g.userIds.push(r.userId)
  }
  return out
}
