/**
 * The file types aimicromind accepts as uploads, by MIME type and extension. The extension must agree
 * with the declared MIME type (Flowise checks the same since CVE-2025-61687: a `.js` file declared as
 * `text/plain` is refused). Documents are the types whose text the server can extract; images go to
 * vision models.
 */
export type FileKind = 'text' | 'pdf' | 'docx' | 'image';

export interface FileType {
  mime: string;
  kind: FileKind;
  /** Lower-case extensions without the dot; the first is the usual one. */
  extensions: string[];
  /** Other MIME types clients send for the same files (browsers differ for CSV and Markdown). */
  aliases?: string[];
}

export const FILE_TYPES: readonly FileType[] = [
  { mime: 'text/plain', kind: 'text', extensions: ['txt', 'text', 'log'] },
  { mime: 'text/markdown', kind: 'text', extensions: ['md', 'markdown'], aliases: ['text/x-markdown'] },
  { mime: 'text/csv', kind: 'text', extensions: ['csv'], aliases: ['application/csv', 'text/x-csv', 'application/vnd.ms-excel'] },
  { mime: 'application/json', kind: 'text', extensions: ['json'], aliases: ['text/json'] },
  { mime: 'application/jsonl', kind: 'text', extensions: ['jsonl'], aliases: ['application/json-lines', 'text/jsonl', 'application/x-ndjson'] },
  { mime: 'text/html', kind: 'text', extensions: ['html', 'htm'] },
  { mime: 'application/xml', kind: 'text', extensions: ['xml'], aliases: ['text/xml'] },
  {
    mime: 'application/x-yaml',
    kind: 'text',
    extensions: ['yaml', 'yml'],
    aliases: ['application/yaml', 'text/yaml', 'text/x-yaml', 'application/vnd.yaml', 'text/vnd.yaml'],
  },
  { mime: 'text/css', kind: 'text', extensions: ['css'] },
  { mime: 'application/javascript', kind: 'text', extensions: ['js', 'mjs'], aliases: ['text/javascript'] },
  { mime: 'application/sql', kind: 'text', extensions: ['sql'], aliases: ['text/x-sql'] },
  { mime: 'application/pdf', kind: 'pdf', extensions: ['pdf'] },
  { mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', kind: 'docx', extensions: ['docx'] },
  { mime: 'image/png', kind: 'image', extensions: ['png'] },
  { mime: 'image/jpeg', kind: 'image', extensions: ['jpg', 'jpeg'], aliases: ['image/jpg'] },
  { mime: 'image/gif', kind: 'image', extensions: ['gif'] },
  { mime: 'image/webp', kind: 'image', extensions: ['webp'] },
];

/** MIME types that say nothing about the content; the extension decides then. */
const GENERIC_MIMES = new Set(['', 'application/octet-stream', 'binary/octet-stream']);

export function fileExtension(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot <= 0 || dot === name.length - 1 ? '' : name.slice(dot + 1).toLowerCase();
}

const normalise = (mime: string) => mime.split(';')[0]!.trim().toLowerCase();

/** The type a MIME type names (aliases included), if we accept it. */
export function typeOfMime(mime: string): FileType | undefined {
  const wanted = normalise(mime);
  return FILE_TYPES.find((type) => type.mime === wanted || type.aliases?.includes(wanted));
}

export function typeOfExtension(name: string): FileType | undefined {
  const ext = fileExtension(name);
  return ext === '' ? undefined : FILE_TYPES.find((type) => type.extensions.includes(ext));
}

/** Why a file's name and MIME type are refused, or its type. */
export type FileTypeCheck = { ok: true; type: FileType } | { ok: false; reason: string };

/**
 * Checks a file's declared MIME type against its name. A generic type (`application/octet-stream`,
 * empty) is taken from the extension. Names without an extension, unknown types and mismatches are
 * refused with a reason naming what is wrong.
 */
export function checkFileType(name: string, mime: string): FileTypeCheck {
  const ext = fileExtension(name);
  if (ext === '') return { ok: false, reason: 'has no file extension, so its type cannot be checked' };
  const byExt = typeOfExtension(name);
  if (GENERIC_MIMES.has(normalise(mime))) {
    return byExt ? { ok: true, type: byExt } : { ok: false, reason: `has an unsupported extension .${ext}` };
  }
  const byMime = typeOfMime(mime);
  if (!byMime) return { ok: false, reason: `has an unsupported type ${normalise(mime)}` };
  if (!byMime.extensions.includes(ext)) {
    return { ok: false, reason: `is declared as ${normalise(mime)} but its extension .${ext} does not match (expected .${byMime.extensions[0]})` };
  }
  return { ok: true, type: byMime };
}

/** The list of accepted types for messages: ".pdf (application/pdf), …". */
export function describeFileTypes(types: readonly FileType[] = FILE_TYPES): string {
  return types.map((type) => `.${type.extensions[0]}`).join(', ');
}
