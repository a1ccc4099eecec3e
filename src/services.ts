// The application's parts, wired once per app instance. Tests build several in one process.
import type { EventEmitter } from 'node:events'
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from './config.js'
import type { Database } from './db/types.js'
import type { PubSub, PublishOptions } from './realtime/pubsub.js'
import type { SharedStore } from './realtime/store.js'
import type { RateLimits } from './lib/rate-limit.js'
import type { Gateway } from './realtime/gateway.js'
import type { AuthService } from './modules/auth/auth.service.js'
import type { UsersService } from './modules/users/users.service.js'
import type { RoomsService } from './modules/rooms/rooms.service.js'
import type { TypingService } from './modules/rooms/typing.service.js'
import type { MessagesService } from './modules/messages/messages.service.js'
import type { FriendsService } from './modules/friends/friends.service.js'
import type { NotificationsService } from './modules/notifications/notifications.service.js'
import type { PresenceService } from './modules/presence/presence.service.js'
import type { StudyService } from './modules/study/study.service.js'
import type { TimerService } from './modules/study/timer.service.js'
import type { SignalsService } from './modules/signals/signals.service.js'
import type { CallsService } from './modules/signals/calls.service.js'
import type { AttachmentsService } from './modules/attachments/attachments.service.js'
import type { MessageModel, RoomModel } from './graphql/models.js'

/** In-process domain events, after commit: lets one module react to another without a cycle. */
export interface DomainEvents {
  /** emitted just after the send is answered; `room` may come from the send path's cache: its id and kind are exact, its other fields may be seconds old */
  messageAdded: [{ room: RoomModel; message: MessageModel }]
}

export interface Services {
  config: Config
  log: FastifyBaseLogger
  database: Database
  pubsub: PubSub
  store: SharedStore
  /** rate-limit buckets (rate-limiter-flexible; Redis-shared when REDIS_URL is set) */
  limits: RateLimits
  realtime: Gateway
  events: EventEmitter<DomainEvents>
  auth: AuthService
  users: UsersService
  rooms: RoomsService
  typing: TypingService
  messages: MessagesService
  friends: FriendsService
  notifications: NotificationsService
  presence: PresenceService
  study: StudyService
  timers: TimerService
  signals: SignalsService
  calls: CallsService
  attachments: AttachmentsService
  /** publishes after commit; a failed publish is logged, never fails the mutation (the row is stored, replay recovers it) */
  publish(topic: string, payload: unknown, opts?: PublishOptions): Promise<void>
  /** true when `viewerId` must not see live activity (typing, presence) of `otherId`: the viewer blocked them */
  hidden(viewerId: string, otherId: string): Promise<boolean>
}
