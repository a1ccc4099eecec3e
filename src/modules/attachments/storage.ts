// Where an upload's bytes live. A SQLite file keeps them in a directory beside it (one instance
// serves them); PostgreSQL keeps them in the database (attachment_blobs, bytea), so every instance
// sharing the database serves the same files. SQLite ':memory:' uses the table too.
import fs from 'node:fs/promises'
import path from 'node:path'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.js'
import { isPostgresUrl } from '../../db/index.js'

export type Variant = 'file' | 'thumbnail'

export interface BlobStore {
  readonly kind: 'disk' | 'database'
  put(id: string, variant: Variant, data: Buffer): Promise<void>
  get(id: string, variant: Variant): Promise<Buffer | null>
  /** every variant of these uploads; missing ones are fine */
  delete(ids: string[]): Promise<void>
}

export class DiskBlobStore implements BlobStore {
  readonly kind = 'disk' as const
  constructor(readonly dir: string) {}

  private file(id: string, variant: Variant) {
    // ids are UUIDs (checked by the caller): no path can escape the directory
    return path.join(this.dir, variant === 'file' ? id : `${id}.thumb`)
  }

  async put(id: string, variant: Variant, data: Buffer): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true })
    const target = this.file(id, variant)
    const tmp = `${target}.${process.pid}.tmp`
    await fs.writeFile(tmp, data)
    await fs.rename(tmp, target)
  }

  async get(id: string, variant: Variant): Promise<Buffer | null> {
    try {
      return await fs.readFile(this.file(id, variant))
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw e
    }
  }

  async delete(ids: string[]): Promise<void> {
    await Promise.all(ids.flatMap((id) => (['file', 'thumbnail'] as const).map((v) => fs.rm(this.file(id, v), { force: true }))))
  }
}

export class DatabaseBlobStore implements BlobStore {
  readonly kind = 'database' as const
  constructor(private db: Kysely<DB>) {}

  async put(id: string, variant: Variant, data: Buffer): Promise<void> {
    await this.db.insertInto('attachment_blobs').values({ attachment_id: id, variant, data }).execute()
  }

  async get(id: string, variant: Variant): Promise<Buffer | null> {
    const r = await this.db.selectFrom('attachment_blobs').select('data').where('attachment_id', '=', id).where('variant', '=', variant).executeTakeFirst()
    if (!r) return null
    return Buffer.isBuffer(r.data) ? r.data : Buffer.from(r.data as Uint8Array)
  }

  async delete(ids: string[]): Promise<void> {
    if (!ids.length) return
    await this.db.deleteFrom('attachment_blobs').where('attachment_id', 'in', ids).execute()
  }
}

/** the directory beside a SQLite file (`data/hearth.db` -> `data/hearth.db-uploads`) */
export function uploadDirFor(databaseUrl: string): string | null {
  if (isPostgresUrl(databaseUrl) || databaseUrl === ':memory:') return null
  return path.resolve(databaseUrl) + '-uploads'
}

export function blobStoreFor(databaseUrl: string, db: Kysely<DB>): BlobStore {
  const dir = uploadDirFor(databaseUrl)
  return dir ? new DiskBlobStore(dir) : new DatabaseBlobStore(db)
}
