/**
 * The value of a `file` param as Flowise's editor writes it into flowData: one file is
 * `data:<mime>;base64,<data>,filename:<name>`, several are a JSON array (as a string) of such entries.
 * Files stored on the server instead appear as `FILE-STORAGE::["a.pdf", …]` (shown, not edited here).
 * The engine reads the same forms (src/engine/files/file-store.ts `parseFileInput`).
 */

/** Files above this size are flagged: their data URI lives in flowData, which every save and load carries. */
export const LARGE_FILE_BYTES = 5 * 1024 * 1024;

const FILE_STORAGE_PREFIX = 'FILE-STORAGE::';

/** One entry for a file read with `FileReader.readAsDataURL`. */
export const fileEntry = (dataUrl: string, name: string) => `${dataUrl},filename:${name}`;

/** The entries a value holds, in order ('' or unparseable: none; stored names as `FILE-STORAGE::<name>`). */
export function fileEntries(value: unknown): string[] {
  if (typeof value !== 'string' || value.trim() === '') return [];
  const text = value.trim();
  if (text.startsWith(FILE_STORAGE_PREFIX)) {
    try {
      const names = JSON.parse(text.slice(FILE_STORAGE_PREFIX.length)) as unknown;
      return Array.isArray(names) ? names.map((n) => `${FILE_STORAGE_PREFIX}${String(n)}`) : [];
    } catch {
      return [];
    }
  }
  if (text.startsWith('[')) {
    try {
      const list = JSON.parse(text) as unknown;
      return Array.isArray(list) ? list.filter((e): e is string => typeof e === 'string') : [];
    } catch {
      return [];
    }
  }
  return [text];
}

/** The value for a list of entries: '' for none, the entry itself for one, a JSON array for several. */
export function fileValue(entries: readonly string[]): string {
  const stored = entries.filter((e) => e.startsWith(FILE_STORAGE_PREFIX));
  if (stored.length > 0 && stored.length === entries.length) return `${FILE_STORAGE_PREFIX}${JSON.stringify(stored.map((e) => e.slice(FILE_STORAGE_PREFIX.length)))}`;
  const inline = entries.filter((e) => !e.startsWith(FILE_STORAGE_PREFIX));
  if (inline.length === 0) return '';
  return inline.length === 1 ? inline[0]! : JSON.stringify(inline);
}

/** The file name an entry carries (`,filename:` part, or the stored name). */
export function fileName(entry: string): string {
  if (entry.startsWith(FILE_STORAGE_PREFIX)) return entry.slice(FILE_STORAGE_PREFIX.length);
  const at = entry.lastIndexOf(',filename:');
  return at >= 0 ? entry.slice(at + ',filename:'.length) : 'file';
}

/** Approximate size in bytes of an inline entry's data (base64 is 4 characters per 3 bytes). */
export function fileSize(entry: string): number {
  const comma = entry.indexOf(',');
  const at = entry.lastIndexOf(',filename:');
  if (comma < 0 || at <= comma) return 0;
  const payload = entry.slice(comma + 1, at);
  return entry.slice(0, comma).endsWith(';base64') ? Math.floor((payload.length * 3) / 4) : payload.length;
}

/** The `accept` attribute for a Flowise `fileType` (`.txt, .md` → `.txt,.md`). */
export function acceptAttribute(fileType: string | undefined): string | undefined {
  const list = (fileType ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  return list.length > 0 ? list.join(',') : undefined;
}
