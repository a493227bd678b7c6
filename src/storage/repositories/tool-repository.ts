import { randomUUID } from 'node:crypto';
import type { Db } from '../database.js';
import type { ToolTable } from '../schema.js';
import { AppError } from '../../shared/app-error.js';
import { nowIso } from './json-columns.js';
import { type Page, pageOf } from './paging.js';
import { isUniqueViolation } from './unique-violation.js';

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

  /** `id` keeps a tool's id from another installation (flows refer to tools by id); 409 CONFLICT when taken. */
  async create(fields: ToolFields, id: string = randomUUID()): Promise<ToolRecord> {
    const now = nowIso();
    const row: ToolTable = { id, ...fields, createdDate: now, updatedDate: now };
    try {
      await this.db.insertInto('tool').values(row).execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError('CONFLICT', 409, `A tool with id ${id} already exists`);
      throw error;
    }
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
