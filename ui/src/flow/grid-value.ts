import type { ArrayItemField, DatagridColumn } from './types.js';

/**
 * Values of `datagrid` and `array` params. A datagrid is stored as Flowise's grid writes it: a JSON
 * string of the rows, each with a numeric `id` (a node's default may still be the bare array). An array
 * param is stored as the array of items itself, as Flowise's list editor does.
 */

export type Row = Record<string, unknown>;

const isRow = (value: unknown): value is Row => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The rows a stored value holds (a JSON string or an array); anything else gives none. */
export function parseRows(value: unknown): Row[] {
  let list = value;
  if (typeof value === 'string') {
    if (value.trim() === '') return [];
    try {
      list = JSON.parse(value);
    } catch {
      return [];
    }
  }
  return Array.isArray(list) ? list.filter(isRow).map((row) => ({ ...row })) : [];
}

/** The stored datagrid value: rows renumbered `id` 1…n, as a JSON string. */
export function datagridValue(rows: readonly Row[]): string {
  return JSON.stringify(rows.map((row, index) => ({ ...row, id: index + 1 })));
}

/** A new grid row: empty cells, select columns on their first option (the engine refuses an empty type). */
export function emptyGridRow(columns: readonly DatagridColumn[]): Row {
  const row: Row = {};
  for (const column of columns) row[column.field] = column.type === 'singleSelect' ? (column.valueOptions?.[0] ?? '') : '';
  return row;
}

/** A new array item: each field's default, else its first option, else empty. */
export function emptyArrayItem(fields: readonly ArrayItemField[]): Row {
  const item: Row = {};
  for (const field of fields) item[field.name] = field.default ?? (field.type === 'options' ? (field.options?.[0]?.name ?? '') : field.type === 'boolean' ? false : '');
  return item;
}
