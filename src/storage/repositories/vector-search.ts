import { type Expression, type ExpressionBuilder, type SqlBool, type Transaction, sql } from 'kysely';
import type { DatabaseSchema } from '../schema.js';
import { nowIso } from './json-columns.js';

/**
 * SQL pieces of the vector store: pgvector literals and the index DDL, and metadata filters. Nothing a caller supplies is ever interpolated: filter keys are checked and
 * bound, collection ids are ours (UUIDs, checked) and dimensions are integers.
 */

/** pgvector's text form, `[0.1,0.2,…]`. */
export const pgvectorLiteral = (vector: Float32Array): string => `[${Array.from(vector).join(',')}]`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function checkedId(id: string): string {
  if (!UUID.test(id)) throw new Error(`not a collection id: ${id}`);
  return id;
}

/** HNSW indexes `vector` up to 2,000 dimensions and `halfvec` up to 4,000 (pgvector). */
export function pgvectorCast(dims: number): { type: 'vector' | 'halfvec'; ops: string } | undefined {
  if (!Number.isInteger(dims) || dims < 1) return undefined;
  if (dims <= 2000) return { type: 'vector', ops: 'vector_cosine_ops' };
  if (dims <= 4000) return { type: 'halfvec', ops: 'halfvec_cosine_ops' };
  return undefined;
}

/**
 * A partial expression index per collection (pgvector FAQ, "different dimensions in the same column"):
 * the column has no fixed size, the index casts to the collection's.
 */
export function hnswIndexSql(collectionId: string, dims: number) {
  const cast = pgvectorCast(dims);
  if (!cast) return undefined;
  const id = checkedId(collectionId);
  return sql`create index if not exists ${sql.raw(`"${hnswIndexName(id, dims)}"`)} on vector_chunk using hnsw ((embedding::${sql.raw(`${cast.type}(${dims})`)}) ${sql.raw(cast.ops)}) where "collectionId" = ${sql.lit(id)}`;
}

/** Named by collection and size: a collection re-indexed with another model drops the old one. */
export const hnswIndexName = (collectionId: string, dims: number) => `vector_chunk_hnsw_${checkedId(collectionId).replace(/-/g, '')}_${dims}`;

export const dropHnswIndexSql = (collectionId: string, dims: number) => sql`drop index if exists ${sql.raw(`"${hnswIndexName(collectionId, dims)}"`)}`;

export type Filter = Record<string, string | number | boolean>;

/**
 * Equality on top-level metadata keys, keys and values as SQL bound parameters only, so any key works
 * (spaces, quotes, dots: one key, not a path). SQLite reads the key through json_each, whose labels
 * need no JSON-path quoting.
 */
export function filterConditions(
  eb: ExpressionBuilder<DatabaseSchema, 'vector_chunk'>,
  filter: Filter | undefined,
  dialect: 'sqlite' | 'postgres',
): Expression<SqlBool>[] {
  if (!filter) return [];
  return Object.entries(filter).map(([key, value]) => {
    if (dialect === 'postgres') return sql<SqlBool>`(metadata::jsonb ->> ${key}) = ${String(value)}`;
    // SQLite's json_extract answers JSON true/false as 1/0.
    const bound = typeof value === 'boolean' ? (value ? 1 : 0) : value;
    return sql<SqlBool>`exists (select 1 from json_each(metadata) where json_each.key = ${key} and json_each.value = ${bound})`;
  });
}

/** Metadata stored as JSON text, read back; a broken value reads as empty. */
export function parseMetadata(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Marks the collection changed: processes holding its vectors in memory read them again. */
export async function bumpVersion(trx: Transaction<DatabaseSchema>, collectionId: string): Promise<void> {
  await trx.updateTable('vector_collection').set((eb) => ({ version: eb('version', '+', 1), updatedDate: nowIso() })).where('id', '=', collectionId).execute();
}
