import { randomUUID } from 'node:crypto';
import type { Db } from '../database.js';
import type { ToolTable } from '../schema.js';
import { nowIso } from './json-columns.js';
import { type Page, pageOf } from './paging.js';

/** A stored custom tool, as Flowise's API shows it (`schema` and `func` are text). */
export type ToolRecord = ToolTable;

export type ToolFields = Pick<ToolTable, 'name' | 'description' | 'color' | 'iconSrc' | 'schema' | 'func'>;

export class ToolRepository {
  constructor(private readonly db: Db) {}

  /** Newest change first (Flowise's order); one page when `page` is given. */
  async list(page?: Page): Promise<{ data: ToolRecord[]; total: number }> {
    const query = this.db.selectFrom('tool').selectAll().orderBy('updatedDate', 'desc').orderBy('id');
    return pageOf(this.db, 'tool', query, page);
  }

  async get(id: string): Promise<ToolRecord | undefined> {
    return this.db.selectFrom('tool').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async create(fields: ToolFields): Promise<ToolRecord> {
    const now = nowIso();
    const row: ToolTable = { id: randomUUID(), ...fields, createdDate: now, updatedDate: now };
    await this.db.insertInto('tool').values(row).execute();
    return row;
  }

  async update(id: string, patch: Partial<ToolFields>): Promise<ToolRecord | undefined> {
    return this.db
      .updateTable('tool')
      .set({ ...patch, updatedDate: nowIso() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('tool').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
