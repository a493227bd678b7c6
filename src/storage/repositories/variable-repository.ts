import { randomUUID } from 'node:crypto';
import { AppError } from '../../shared/app-error.js';
import type { Db } from '../database.js';
import type { VariableTable } from '../schema.js';
import { nowIso } from './json-columns.js';
import { type Page, pageOf } from './paging.js';
import { isUniqueViolation } from './unique-violation.js';

/** A stored variable; `type` is `static` or `runtime`. */
export type VariableRecord = VariableTable;

export type VariableFields = Pick<VariableTable, 'name' | 'value' | 'type'>;

const duplicate = (name: string) => new AppError('CONFLICT', 409, `A variable named "${name}" already exists`);

export class VariableRepository {
  constructor(private readonly db: Db) {}

  /** Newest change first (Flowise's order); one page when `page` is given. */
  async list(page?: Page): Promise<{ data: VariableRecord[]; total: number }> {
    const query = this.db.selectFrom('variable').selectAll().orderBy('updatedDate', 'desc').orderBy('id');
    return pageOf(this.db, 'variable', query, page);
  }

  /** Every variable, for a run ($vars); name and how to get its value only. */
  async all(): Promise<Array<Pick<VariableRecord, 'name' | 'value' | 'type'>>> {
    return this.db.selectFrom('variable').select(['name', 'value', 'type']).execute();
  }

  async get(id: string): Promise<VariableRecord | undefined> {
    return this.db.selectFrom('variable').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Fails with 409 CONFLICT when the name is taken. */
  async create(fields: VariableFields): Promise<VariableRecord> {
    const now = nowIso();
    const row: VariableTable = { id: randomUUID(), ...fields, createdDate: now, updatedDate: now };
    try {
      await this.db.insertInto('variable').values(row).execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicate(fields.name);
      throw error;
    }
    return row;
  }

  /** Fails with 409 CONFLICT when renamed to a taken name. */
  async update(id: string, patch: Partial<VariableFields>): Promise<VariableRecord | undefined> {
    try {
      return await this.db
        .updateTable('variable')
        .set({ ...patch, updatedDate: nowIso() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicate(patch.name ?? '');
      throw error;
    }
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('variable').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
