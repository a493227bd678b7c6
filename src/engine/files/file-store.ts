import { FlowValidationError } from '../errors.js';

/** A file a loader reads, or an upload a chat model sees. */
export interface StoredFile {
  name: string;
  /** MIME type as uploaded (e.g. `application/pdf`). */
  mime: string;
  data: Buffer;
}

/** Which uploads a file reference may name: the chatflow's, and those of one chat when given. */
export interface FileScope {
  chatflowId: string;
  chatId?: string;
}

/**
 * Where uploaded files live: the application database, so a worker on any machine reads what the
 * server received (Flowise stores them on the server's disk, which queue workers elsewhere cannot read:
 * Flowise #4047, #3764, #3630). The runner implements it over storage; the engine only reads.
 */
export interface FileStore {
  /** The named uploads of the scope, in the order given; a missing name fails with an error naming it. */
  load(scope: FileScope, names: string[]): Promise<StoredFile[]>;
}

/** Flowise's marker for files kept in its storage: `FILE-STORAGE::["a.pdf","b.txt"]`. */
export const FILE_STORAGE_PREFIX = 'FILE-STORAGE::';

/**
 * The names a `FILE-STORAGE::` value refers to: a JSON array of names, or one bare name (Flowise's
 * loaders take both). Undefined for a value without the prefix or a malformed array.
 */
export function storedFileNames(value: string): string[] | undefined {
  const text = value.trim();
  if (!text.startsWith(FILE_STORAGE_PREFIX)) return undefined;
  const rest = text.slice(FILE_STORAGE_PREFIX.length).trim();
  if (rest !== '' && !rest.startsWith('[')) return [rest];
  try {
    const names = JSON.parse(rest) as unknown;
    return Array.isArray(names) && names.every((n) => typeof n === 'string') ? (names as string[]) : undefined;
  } catch {
    return undefined;
  }
}

export interface FileInput {
  /** Files carried in the flow itself as data URIs (Flowise's editor upload). */
  inline: StoredFile[];
  /** Names of stored uploads (`FILE-STORAGE::[…]`), to load through a FileStore. */
  stored: string[];
}

const DATA_URI = /^data:([^;,]*)(;base64)?,([^,]*),filename:(.+)$/s;

function parseDataUri(uri: string, nodeId: string): StoredFile {
  const match = DATA_URI.exec(uri);
  if (!match) throw new FlowValidationError(`Node ${nodeId}: file input is not a data URI with a filename`, nodeId);
  const [, mime = '', base64, payload = '', name = ''] = match;
  const data = base64 ? Buffer.from(payload, 'base64') : Buffer.from(decodeURIComponent(payload), 'utf8');
  return { name, mime: mime || 'application/octet-stream', data };
}

/**
 * A loader's file input as Flowise writes it: one `data:<mime>;base64,<data>,filename:<name>` URI, a JSON
 * array of them (several files), `FILE-STORAGE::["name", …]` or `FILE-STORAGE::name` (one file). Empty values give no files.
 * Errors: FlowValidationError naming the node for anything else.
 */
export function parseFileInput(value: unknown, nodeId: string): FileInput {
  const result: FileInput = { inline: [], stored: [] };
  if (value === undefined || value === null || value === '') return result;
  if (typeof value !== 'string') throw new FlowValidationError(`Node ${nodeId}: file input must be a string`, nodeId);
  const text = value.trim();
  if (text.startsWith(FILE_STORAGE_PREFIX)) {
    const names = storedFileNames(text);
    if (!names) throw new FlowValidationError(`Node ${nodeId}: ${FILE_STORAGE_PREFIX} must be followed by a file name or a JSON array of file names`, nodeId);
    result.stored = names;
    return result;
  }
  let uris: unknown = [text];
  if (text.startsWith('[')) {
    try {
      uris = JSON.parse(text);
    } catch {
      throw new FlowValidationError(`Node ${nodeId}: file input is neither a data URI nor a JSON array of them`, nodeId);
    }
  }
  if (!Array.isArray(uris)) throw new FlowValidationError(`Node ${nodeId}: file input must be a data URI or an array of them`, nodeId);
  result.inline = uris.map((uri) => {
    if (typeof uri !== 'string') throw new FlowValidationError(`Node ${nodeId}: file input holds a non-string entry`, nodeId);
    return parseDataUri(uri, nodeId);
  });
  return result;
}
