// The application's parts, wired once per app instance. Tests build several in one process.
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from './config.js'
import type { Database } from './db/types.js'
import type { PubSub } from './realtime/pubsub.js'
import type { SharedStore } from './realtime/store.js'
import type { Gateway } from './realtime/gateway.js'
import type { AuthService } from './modules/auth/auth.service.js'
import type { UsersService } from './modules/users/users.service.js'

export interface Services {
  config: Config
  log: FastifyBaseLogger
  database: Database
  pubsub: PubSub
  store: SharedStore
  realtime: Gateway
  auth: AuthService
  users: UsersService
  /** publishes after commit; a failed publish is logged, never fails the mutation (the row is stored, replay recovers it) */
  publish(topic: string, payload: unknown): Promise<void>
}
