import { randomUUID } from 'node:crypto';
import { FILE_STORAGE_PREFIX, parseFileInput } from '../../engine/files/file-store.js';
import { AppError, isAppError } from '../../shared/app-error.js';
import type { StoreLoaderFile } from '../../storage/repositories/document-store-repository.js';
import type { UploadService } from '../uploads/upload-service.js';

/** Flowise's check for an inline file value: a data URI (one, or the first of a JSON array). */
const INLINE = /^\[?\s*"?data:[^,]*;base64,/i;

export interface StoredLoaderFiles {
  /** The config with every inline file replaced by `FILE-STORAGE::["name", …]`. */
  config: Record<string, unknown>;
  /** What was stored, as the loader's `files` list records it (`IDocumentStoreLoaderFile`). */
  files: StoreLoaderFile[];
}

/**
 * Moves the files a loader config carries inline (Flowise's editor sends them as data URIs) into the
 * store's uploads, checked like every upload, and answers the config pointing at them by name, so the
 * processing job (possibly on another machine) carries names only. Nothing is stored when a file is
 * refused.
 */
export async function storeLoaderFiles(uploads: UploadService, storeId: string, config: Record<string, unknown>): Promise<StoredLoaderFiles> {
  const result: Record<string, unknown> = { ...config };
  const fields: Array<{ field: string; names: string[] }> = [];
  const incoming = [];
  for (const [field, value] of Object.entries(config)) {
    if (typeof value !== 'string' || !INLINE.test(value)) continue;
    let inline;
    try {
      inline = parseFileInput(value, field).inline;
    } catch (error) {
      throw new AppError('INVALID_UPLOAD', 400, `loaderConfig.${field}: ${isAppError(error) ? error.message : String(error)}`);
    }
    incoming.push(...inline.map((file) => ({ field: `loaderConfig.${field}`, name: file.name, mime: file.mime, data: file.data })));
    fields.push({ field, names: inline.map((file) => file.name) });
  }
  if (incoming.length === 0) return { config: result, files: [] };
  const stored = await uploads.storeUploads({ chatflowId: storeId }, incoming);
  for (const { field, names } of fields) result[field] = `${FILE_STORAGE_PREFIX}${JSON.stringify(names)}`;
  const uploaded = new Date().toISOString();
  return {
    config: result,
    files: stored.map((file) => ({ id: randomUUID(), name: file.name, mimePrefix: file.mime, size: file.size, status: 'NEW', uploaded })),
  };
}
