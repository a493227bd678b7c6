import { FILE_STORAGE_PREFIX, parseFileInput } from '../../engine/files/file-store.js';
import type { IncomingFile } from './upload-service.js';

/** Files found inline in an overrideConfig, and the overrideConfig with each replaced by its stored name. */
export interface InlineFiles {
  files: IncomingFile[];
  /** The same object with every file value as `FILE-STORAGE::["name", …]` (valid once the files are stored). */
  replaced: Record<string, unknown> | undefined;
}

/** A value that holds Flowise's inline files: a data URI with `,filename:`, or a JSON array of them. */
function inlineFilesIn(value: string, field: string): IncomingFile[] | undefined {
  const text = value.trimStart();
  if (!text.startsWith('data:') && !(text.startsWith('[') && text.includes('data:'))) return undefined;
  try {
    const { inline, stored } = parseFileInput(value, field);
    if (inline.length === 0 || stored.length > 0) return undefined;
    return inline.map((file) => ({ field, name: file.name, mime: file.mime, data: file.data }));
  } catch {
    // Not a file input (some other text starting with "data:"): left as it is.
    return undefined;
  }
}

/**
 * Finds the files carried inline in an overrideConfig (Flowise's `txtFile: "data:text/plain;base64,…,
 * filename:a.txt"`, also per node id: `{txtFile: {textFile_0: "data:…"}}`), so they pass the same size
 * and type checks as multipart files (UPLOAD_MAX_FILE_SIZE, UPLOAD_MAX_REQUEST_SIZE) and are stored in
 * the uploads table instead of the run or upsert row. Field names are `overrideConfig.<key>[.<nodeId>]`.
 */
export function findInlineFiles(overrideConfig: Record<string, unknown> | undefined): InlineFiles {
  if (!overrideConfig) return { files: [], replaced: overrideConfig };
  const files: IncomingFile[] = [];
  const replace = (value: unknown, field: string): unknown => {
    if (typeof value !== 'string') return value;
    const found = inlineFilesIn(value, field);
    if (!found) return value;
    files.push(...found);
    return `${FILE_STORAGE_PREFIX}${JSON.stringify(found.map((f) => f.name))}`;
  };
  const replaced: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(overrideConfig)) {
    let next = replace(value, `overrideConfig.${key}`);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      next = Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([nodeId, item]) => [nodeId, replace(item, `overrideConfig.${key}.${nodeId}`)]));
    }
    Object.defineProperty(replaced, key, { value: next, enumerable: true, writable: true, configurable: true });
  }
  return { files, replaced };
}
