import { randomUUID } from 'node:crypto';
import type { Db } from '../database.js';
import { nowIso } from './json-columns.js';

/**
 * Where an upload belongs: its owner (a chatflow id, or a document store id for a store's files) and,
 * for files sent in a chat, that chat. `chatId` absent means the owner's own files.
 */
export interface UploadScope {
  chatflowId: string;
  chatId?: string;
}

/** An upload without its bytes (listing, and what a store call answers). */
export interface UploadInfo {
  id: string;
  chatflowId: string;
  chatId: string | null;
  name: string;
  mime: string;
  /** Bytes. */
  size: number;
  createdDate: string;
}

export interface UploadFile extends UploadInfo {
  data: Buffer;
}

export interface NewUpload {
  name: string;
  mime: string;
  data: Buffer;
}

const INFO_COLUMNS = ['id', 'chatflowId', 'chatId', 'name', 'mime', 'size', 'createdDate'] as const;

/**
 * Uploaded files' bytes in the application database (SQLite BLOB, PostgreSQL bytea), so every process
 * reaching the database reads the same files. A name is unique within a scope; storing it again
 * replaces the earlier file (same id kept), as Flowise's file storage overwrites a file of that name.
 */
export class UploadRepository {
  constructor(private readonly db: Db) {}

  /** Stores (or replaces) one file of a scope; answers what was stored, without the bytes. */
  async put(scope: UploadScope, file: NewUpload): Promise<UploadInfo> {
    const chatId = scope.chatId ?? null;
    const row = {
      id: randomUUID(),
      chatflowId: scope.chatflowId,
      chatId,
      name: file.name,
      mime: file.mime,
      size: file.data.length,
      data: file.data,
      createdDate: nowIso(),
    };
    const replace = { mime: row.mime, size: row.size, data: row.data, createdDate: row.createdDate };
    const stored = await this.db
      .insertInto('upload')
      .values(row)
      .onConflict((oc) =>
        chatId === null
          ? oc.columns(['chatflowId', 'name']).where('chatId', 'is', null).doUpdateSet(replace)
          : oc.columns(['chatflowId', 'chatId', 'name']).where('chatId', 'is not', null).doUpdateSet(replace),
      )
      .returning(INFO_COLUMNS)
      .executeTakeFirstOrThrow();
    return { ...stored, size: Number(stored.size) };
  }

  /**
   * The named files a scope may read: with a chat, that chat's file of the name, else the owner's own;
   * without one, only the owner's own. A name found in neither is left out (the caller reports it).
   */
  async find(scope: UploadScope, names: string[]): Promise<Map<string, UploadFile>> {
    const found = new Map<string, UploadFile>();
    if (names.length === 0) return found;
    let query = this.db
      .selectFrom('upload')
      .selectAll()
      .where('chatflowId', '=', scope.chatflowId)
      .where('name', 'in', [...new Set(names)]);
    query = scope.chatId
      ? query.where((eb) => eb.or([eb('chatId', 'is', null), eb('chatId', '=', scope.chatId!)]))
      : query.where('chatId', 'is', null);
    for (const row of await query.execute()) {
      const held = found.get(row.name);
      // A chat's own file wins over the owner's file of the same name.
      if (held && held.chatId !== null) continue;
      found.set(row.name, { ...row, size: Number(row.size), data: Buffer.from(row.data) });
    }
    return found;
  }

  /** One file of exactly this scope (no fallback to the owner's files), or undefined. */
  async get(scope: UploadScope, name: string): Promise<UploadFile | undefined> {
    let query = this.db.selectFrom('upload').selectAll().where('chatflowId', '=', scope.chatflowId).where('name', '=', name);
    query = scope.chatId ? query.where('chatId', '=', scope.chatId) : query.where('chatId', 'is', null);
    const row = await query.executeTakeFirst();
    return row ? { ...row, size: Number(row.size), data: Buffer.from(row.data) } : undefined;
  }

  /** Every file of an owner (all chats when `chatId` is absent), oldest first, without the bytes. */
  async list(scope: UploadScope): Promise<UploadInfo[]> {
    let query = this.db.selectFrom('upload').select(INFO_COLUMNS).where('chatflowId', '=', scope.chatflowId);
    if (scope.chatId) query = query.where('chatId', '=', scope.chatId);
    const rows = await query.orderBy('createdDate', 'asc').orderBy('name', 'asc').execute();
    return rows.map((row) => ({ ...row, size: Number(row.size) }));
  }

  /** Deletes named files of exactly this scope; answers how many went. */
  async delete(scope: UploadScope, names: string[]): Promise<number> {
    if (names.length === 0) return 0;
    let query = this.db.deleteFrom('upload').where('chatflowId', '=', scope.chatflowId).where('name', 'in', names);
    query = scope.chatId ? query.where('chatId', '=', scope.chatId) : query.where('chatId', 'is', null);
    return Number((await query.executeTakeFirst()).numDeletedRows);
  }

  /** Deletes every file of an owner (a deleted chatflow or document store), chats included. */
  async deleteOwner(chatflowId: string): Promise<number> {
    const result = await this.db.deleteFrom('upload').where('chatflowId', '=', chatflowId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
