import { AppError } from '../../shared/app-error.js';
import type { IncomingFile } from './upload-service.js';

/** The `type`s of a prediction's `uploads` entries (api-contract.md §2). */
export const UPLOAD_ENTRY_TYPES = ['file', 'url', 'audio', 'file:rag', 'file:full'] as const;
export type UploadEntryType = (typeof UPLOAD_ENTRY_TYPES)[number];

/** One `uploads` entry, checked for shape; `file` holds the decoded bytes of data-URL entries. */
export interface UploadEntry {
  index: number;
  type: UploadEntryType;
  name: string;
  mime: string;
  data?: string;
  file?: IncomingFile;
}

const DATA_URL = /^data:([^;,]*)((?:;[^;,]*)*);base64,([A-Za-z0-9+/=\s]*)$/;

function invalid(label: string, message: string): AppError {
  return new AppError('INVALID_UPLOAD', 400, `${label}: ${message}`);
}

/** `data:<mime>;base64,<bytes>` → mime and bytes; anything else is a 400 naming the upload. */
export function decodeDataUrl(value: string, label: string): { mime: string; data: Buffer } {
  const match = DATA_URL.exec(value);
  if (!match) throw invalid(label, 'data is not a base64 data URL (data:<type>;base64,<data>)');
  return { mime: match[1] ?? '', data: Buffer.from(match[3] ?? '', 'base64') };
}

/**
 * Checks the shape of `uploads[index]`: `file`, `file:rag` and `audio` carry a base64 data URL,
 * `url` an http(s) URL, `file:full` the document's text. Errors name the entry and its file.
 * Audio is refused: speech to text is not supported.
 */
export function decodeUploadEntry(raw: unknown, index: number): UploadEntry {
  let label = `uploads[${index}]`;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw invalid(label, 'must be an object {data, type, name, mime}');
  const entry = raw as Record<string, unknown>;
  if (typeof entry.name !== 'string' || entry.name.trim() === '') throw invalid(label, 'needs a file name (name)');
  const name = entry.name;
  label = `uploads[${index}] "${name}"`;
  const type = entry.type;
  if (typeof type !== 'string' || !(UPLOAD_ENTRY_TYPES as readonly string[]).includes(type)) {
    throw invalid(label, `type must be one of ${UPLOAD_ENTRY_TYPES.join(', ')}`);
  }
  if (typeof entry.data !== 'string' || entry.data === '') throw invalid(label, 'needs data');
  const mime = typeof entry.mime === 'string' ? entry.mime.trim() : '';
  const base = { index, type: type as UploadEntryType, name, data: entry.data };
  switch (type) {
    case 'audio':
      throw new AppError('UNSUPPORTED_FILE_TYPE', 415, `${label}: audio uploads (speech to text) are not supported`);
    case 'url':
      if (!/^https?:\/\/\S+$/i.test(entry.data)) throw invalid(label, 'data of a "url" upload must be an http(s) URL');
      // Flowise takes a URL upload for a PNG image when no type is given.
      return { ...base, mime: mime || 'image/png' };
    case 'file:full':
      return { ...base, mime: mime || 'text/plain' };
    default: {
      const decoded = decodeDataUrl(entry.data, label);
      const declared = decoded.mime || mime;
      return { ...base, mime: declared, file: { field: `uploads[${index}]`, name, mime: declared, data: decoded.data } };
    }
  }
}
