import { randomUUID } from 'node:crypto';
import type { Db } from '../database.js';
import type { ApiKeyTable } from '../schema.js';
import { nowIso } from './json-columns.js';

/** An API key as stored: only a SHA-256 hash of the secret and a short prefix to recognise it by. */
export type ApiKeyRecord = ApiKeyTable;

export class ApiKeyRepository {
  constructor(private readonly db: Db) {}

  async list(): Promise<ApiKeyRecord[]> {
    return this.db.selectFrom('apikey').selectAll().orderBy('createdAt', 'asc').execute();
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('apikey')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async get(id: string): Promise<ApiKeyRecord | undefined> {
    return this.db.selectFrom('apikey').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async findByHash(keyHash: string): Promise<ApiKeyRecord | undefined> {
    return this.db.selectFrom('apikey').selectAll().where('keyHash', '=', keyHash).executeTakeFirst();
  }

  async create(input: { keyName: string; keyHash: string; keyPrefix: string; permissions?: string[] }): Promise<ApiKeyRecord> {
    const now = nowIso();
    const row: ApiKeyTable = {
      id: randomUUID(),
      keyName: input.keyName,
      keyHash: input.keyHash,
      keyPrefix: input.keyPrefix,
      permissions: input.permissions ? JSON.stringify(input.permissions) : null,
      createdAt: now,
      updatedAt: now,
    };
    await this.db.insertInto('apikey').values(row).execute();
    return row;
  }

  async rename(id: string, keyName: string): Promise<ApiKeyRecord | undefined> {
    return this.db
      .updateTable('apikey')
      .set({ keyName, updatedAt: nowIso() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('apikey').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
