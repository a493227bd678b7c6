import { randomUUID } from 'node:crypto';
import type { Db } from '../database.js';
import type { CredentialTable } from '../schema.js';
import { nowIso } from './json-columns.js';

/** A stored credential; `encryptedData` is AES-256-GCM ciphertext (security/credential-cipher). */
export type CredentialRecord = CredentialTable;

export class CredentialRepository {
  constructor(private readonly db: Db) {}

  async list(credentialNames?: string[]): Promise<CredentialRecord[]> {
    let query = this.db.selectFrom('credential').selectAll();
    if (credentialNames && credentialNames.length > 0) query = query.where('credentialName', 'in', credentialNames);
    return query.orderBy('createdDate', 'asc').execute();
  }

  /** The credential type (`credentialName`) of each of `ids` that exists; nothing is decrypted. */
  async typesOf(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.selectFrom('credential').select(['id', 'credentialName']).where('id', 'in', ids).execute();
    return new Map(rows.map((row) => [row.id, row.credentialName]));
  }

  async get(id: string): Promise<CredentialRecord | undefined> {
    return this.db.selectFrom('credential').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async create(input: { name: string; credentialName: string; encryptedData: string }): Promise<CredentialRecord> {
    const now = nowIso();
    const row: CredentialTable = { id: randomUUID(), createdDate: now, updatedDate: now, ...input };
    await this.db.insertInto('credential').values(row).execute();
    return row;
  }

  async update(
    id: string,
    patch: { name?: string; credentialName?: string; encryptedData?: string },
  ): Promise<CredentialRecord | undefined> {
    return this.db
      .updateTable('credential')
      .set({ ...patch, updatedDate: nowIso() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('credential').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
