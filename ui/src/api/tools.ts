import { api } from './client';

/** A stored custom tool (`/api/v1/tools`, Flowise's Tool): `schema` is JSON text of SchemaRow[], `func` a JS function body. */
export interface Tool {
  id: string;
  name: string;
  description: string;
  color: string;
  iconSrc: string | null;
  schema: string | null;
  func: string | null;
  createdDate: string;
  updatedDate: string;
}

export type SchemaType = 'string' | 'number' | 'boolean' | 'date';

/** One argument of a tool, as Flowise's schema grid stores it (`id` numbers the rows, as Flowise writes them). */
export interface SchemaRow {
  id?: number;
  property: string;
  type: SchemaType;
  description: string;
  required: boolean;
}

export type ToolFields = Pick<Tool, 'name' | 'description' | 'schema' | 'func'> & { color?: string; iconSrc?: string | null };

/** What `POST /tools/test` answers: the code's result, or why it failed (a sandbox failure kind and its message). */
export type TestRunResult =
  | { ok: true; output: string; kind: 'string' | 'json' | 'undefined'; durationMs: number; outputLength?: number }
  | { ok: false; failure: 'CODE_ERROR' | 'TIMEOUT' | 'MEMORY' | 'STACK' | 'CRASHED' | 'CLOSED'; error: string; durationMs: number };

export const listTools = () => api<Tool[]>('GET', '/tools');
export const saveTool = (fields: ToolFields, id?: string) => (id ? api<Tool>('PUT', `/tools/${id}`, fields) : api<Tool>('POST', '/tools', fields));
export const deleteTool = (id: string) => api('DELETE', `/tools/${id}`);
export const testRunTool = (body: { func: string; schema: string; input: Record<string, unknown> }, signal?: AbortSignal) =>
  api<TestRunResult>('POST', '/tools/test', body, signal ? { signal } : {});

const TYPES: readonly SchemaType[] = ['string', 'number', 'boolean', 'date'];

/** Reads a stored schema into grid rows; text that is not an array of rows gives none (the server refused such text anyway). */
export function schemaRows(schema: string | null | undefined): SchemaRow[] {
  if (!schema) return [];
  let rows: unknown;
  try {
    rows = JSON.parse(schema);
  } catch {
    return [];
  }
  if (!Array.isArray(rows)) return [];
  return rows.map((row: Record<string, unknown>, index) => ({
    id: typeof row.id === 'number' ? row.id : index,
    property: typeof row.property === 'string' ? row.property : '',
    type: TYPES.includes(row.type as SchemaType) ? (row.type as SchemaType) : 'string',
    description: typeof row.description === 'string' ? row.description : '',
    required: row.required === true || row.required === 'true',
  }));
}

/** The grid's rows as the JSON text Flowise stores, numbered from 0 as Flowise's grid numbers them. */
export function schemaText(rows: readonly SchemaRow[]): string {
  return JSON.stringify(rows.map((row, id) => ({ id, property: row.property, description: row.description, type: row.type, required: row.required })));
}
