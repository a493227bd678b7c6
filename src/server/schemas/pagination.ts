import { z } from 'zod';
import { parseInput } from './parse.js';

const pageQuery = z.object({
  page: z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(1, 'must be at least 1').optional(),
  limit: z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(1, 'must be at least 1').optional(),
});

/** Flowise's `?page=&limit=` (page from 1): a page when both are given, else everything. */
export function parsePage(query: unknown): { page: number; limit: number } | undefined {
  const { page, limit } = parseInput(pageQuery, query ?? {}, 'Query');
  return page !== undefined && limit !== undefined ? { page, limit } : undefined;
}

/** Flowise answers a paged list as `{data, total}` and an unpaged one as the bare array. */
export function pagedAnswer<T>(page: unknown, result: { data: T[]; total: number }): T[] | { data: T[]; total: number } {
  return page ? result : result.data;
}
