import type { Db } from '../database.js';
import type { DatabaseSchema } from '../schema.js';

/** Flowise's `?page=&limit=`: page counts from 1. */
export interface Page {
  page: number;
  limit: number;
}

interface Pageable<R> {
  execute(): Promise<R[]>;
  limit(count: number): { offset(count: number): { execute(): Promise<R[]> } };
}

/** The rows of `query` (one page of them when `page` is given) and how many rows `table` holds. */
export async function pageOf<R>(db: Db, table: keyof DatabaseSchema, query: Pageable<R>, page?: Page): Promise<{ data: R[]; total: number }> {
  const rows = page ? query.limit(page.limit).offset((page.page - 1) * page.limit).execute() : query.execute();
  const count = db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  const [data, { n }] = await Promise.all([rows, count]);
  return { data, total: Number(n) };
}
