/**
 * The parsing of uploaded documents (PDF with pdfjs-dist, DOCX with mammoth, text in its encoding),
 * bounded so a small file cannot take a process's memory or time: text past `maxChars` stops the
 * parse, and a DOCX whose archive would unpack to far more than it could hold as text is refused
 * before mammoth reads it. Pure functions: the extraction worker threads run them (src/extraction/),
 * and so does the in-thread fallback where no pool is given (engine tests).
 */

/** Why a file gave no text: too large once extracted (413), or not readable as its type (400). */
export class DocumentParseError extends Error {
  constructor(
    readonly reason: 'too-large' | 'unreadable',
    message: string,
  ) {
    super(message);
    this.name = 'DocumentParseError';
  }
}

const MB = 1024 * 1024;
const mb = (n: number) => `${Math.round((n / MB) * 10) / 10} MB`;

/**
 * A DOCX archive unpacking past this many times its own size is a decompression bomb: Word's XML
 * compresses 5 to 20 times, never a hundred.
 */
export const MAX_ZIP_RATIO = 100;
/** Its XML may also unpack to at most this many bytes per character of text allowed. */
export const MAX_ZIP_BYTES_PER_CHAR = 8;

export interface PdfResult {
  /** Each page's text, empty for pages without text (scans), so index + 1 is the page number. */
  pages: string[];
  version: string | null;
  info: Record<string, unknown>;
  totalPages: number;
}

interface PdfTextItem {
  str?: string;
  transform?: number[];
}

/** A page's text as LangChain's PDFLoader joins it: a newline where the baseline moves, else items run on. */
function pageText(items: PdfTextItem[]): string {
  let text = '';
  let lastY: number | undefined;
  for (const item of items) {
    if (typeof item.str !== 'string') continue;
    const y = item.transform?.[5];
    if (lastY !== undefined && y !== undefined && y !== lastY) text += '\n';
    text += item.str;
    if (y !== undefined) lastY = y;
  }
  return text;
}

/** The text of each page; more than `maxChars` in all fails with `too-large` (the rest is never parsed). */
export async function parsePdf(data: Uint8Array, maxChars: number, name: string): Promise<PdfResult> {
  // The legacy build runs on Node without DOM APIs; the text layer needs no canvas.
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const task = pdfjs.getDocument({ data: new Uint8Array(data), isEvalSupported: false, useSystemFonts: true, disableFontFace: true, verbosity: 0 });
  let doc;
  try {
    doc = await task.promise;
  } catch (error) {
    await task.destroy().catch(() => undefined);
    throw new DocumentParseError('unreadable', `${name} is not a readable PDF (${(error as Error).message})`);
  }
  try {
    const meta = await doc.getMetadata().catch(() => undefined);
    const pages: string[] = [];
    let total = 0;
    for (let number = 1; number <= doc.numPages; number += 1) {
      const page = await doc.getPage(number);
      const text = pageText((await page.getTextContent()).items as PdfTextItem[]);
      page.cleanup();
      total += text.length;
      if (total > maxChars) {
        throw new DocumentParseError('too-large', `${name} holds more than ${maxChars} characters of text (by page ${number} of ${doc.numPages}; UPLOAD_MAX_TEXT_SIZE)`);
      }
      pages.push(text);
    }
    const info = (meta?.info ?? {}) as Record<string, unknown>;
    const version = typeof info.PDFFormatVersion === 'string' ? info.PDFFormatVersion : null;
    return { pages, version, info, totalPages: doc.numPages };
  } finally {
    await task.destroy().catch(() => undefined);
  }
}

/**
 * Sums the sizes a ZIP archive declares in its central directory (PKWARE's APPNOTE.TXT, §4.3.12 and
 * §4.3.16): the end record is found from the end of the file, then every entry's compressed and
 * uncompressed size is read. ZIP64 archives (sizes of 0xFFFFFFFF) are counted as too large: no DOCX
 * within the upload limits needs them. Throws `unreadable` for anything that is not a ZIP archive.
 */
export function zipSizes(data: Uint8Array, name: string): { compressed: number; uncompressed: number; entries: number } {
  const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const notZip = () => new DocumentParseError('unreadable', `${name} is not a readable .docx file (not a ZIP archive)`);
  // The end record is 22 bytes plus a comment of up to 65,535 bytes.
  let end = -1;
  for (let at = view.length - 22; at >= Math.max(0, view.length - 22 - 0xffff); at -= 1) {
    if (view.readUInt32LE(at) === 0x06054b50) {
      end = at;
      break;
    }
  }
  if (end < 0) throw notZip();
  const entries = view.readUInt16LE(end + 10);
  let at = view.readUInt32LE(end + 16);
  let compressed = 0;
  let uncompressed = 0;
  for (let i = 0; i < entries; i += 1) {
    if (at + 46 > view.length || view.readUInt32LE(at) !== 0x02014b50) throw notZip();
    const packed = view.readUInt32LE(at + 20);
    const unpacked = view.readUInt32LE(at + 24);
    if (packed === 0xffffffff || unpacked === 0xffffffff) return { compressed, uncompressed: Number.POSITIVE_INFINITY, entries };
    compressed += packed;
    uncompressed += unpacked;
    at += 46 + view.readUInt16LE(at + 28) + view.readUInt16LE(at + 30) + view.readUInt16LE(at + 32);
  }
  return { compressed, uncompressed, entries };
}

/**
 * Refuses a DOCX whose archive declares it unpacks to more than MAX_ZIP_RATIO times its size, or to
 * more than MAX_ZIP_BYTES_PER_CHAR bytes per character of text allowed: such a file would take seconds
 * of CPU and gigabytes of memory to read. (An archive that lies about its sizes is still bounded: the
 * worker thread reading it has a capped heap.)
 */
export function checkDocxArchive(data: Uint8Array, maxChars: number, name: string): void {
  const sizes = zipSizes(data, name);
  const limit = Math.min(Math.max(data.byteLength, 64 * 1024) * MAX_ZIP_RATIO, maxChars * MAX_ZIP_BYTES_PER_CHAR + MB);
  if (sizes.uncompressed > limit) {
    const shown = Number.isFinite(sizes.uncompressed) ? mb(sizes.uncompressed) : 'more than 4 GB';
    throw new DocumentParseError(
      'too-large',
      `${name} unpacks to ${shown} from ${mb(data.byteLength)}, more than the ${mb(limit)} a .docx may unpack to (a decompression bomb, or more text than UPLOAD_MAX_TEXT_SIZE allows)`,
    );
  }
}

/** mammoth's raw text of a DOCX (LangChain's DocxLoader), after the archive check. */
export async function parseDocx(data: Uint8Array, maxChars: number, name: string): Promise<string> {
  checkDocxArchive(data, maxChars, name);
  const mammoth = await import('mammoth');
  let text: string;
  try {
    text = (await (mammoth.default ?? mammoth).extractRawText({ buffer: Buffer.from(data.buffer, data.byteOffset, data.byteLength) })).value;
  } catch (error) {
    throw new DocumentParseError('unreadable', `${name} is not a readable .docx file (${(error as Error).message})`);
  }
  if (text.length > maxChars) throw new DocumentParseError('too-large', `${name} holds ${text.length} characters of text, more than the ${maxChars} allowed (UPLOAD_MAX_TEXT_SIZE)`);
  return text;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A text file's characters: UTF-8 (a byte-order mark dropped); UTF-16 when it starts with a UTF-16
 * byte-order mark (little or big endian); otherwise, when the bytes are not valid UTF-8, Latin-1
 * (ISO-8859-1: every byte is the character of that code, as legacy Western text files are read).
 * Never replaces characters silently with U+FFFD.
 */
export function decodeText(data: Uint8Array): string {
  if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) return decodeOrLegacy(data.subarray(3));
  if (data[0] === 0xff && data[1] === 0xfe) return new TextDecoder('utf-16le').decode(data.subarray(2));
  if (data[0] === 0xfe && data[1] === 0xff) return new TextDecoder('utf-16be').decode(data.subarray(2));
  return decodeOrLegacy(data);
}

function decodeOrLegacy(data: Uint8Array): string {
  try {
    return utf8.decode(data);
  } catch {
    return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1');
  }
}

/** Removes NUL characters, which PostgreSQL's text and jsonb refuse (Flowise #2387), from strings anywhere in a value. */
export function stripNul<T>(value: T): T {
  if (typeof value === 'string') return (value.includes('\0') ? value.replace(/\0/g, '') : value) as T;
  if (Array.isArray(value)) return value.map((item) => stripNul(item)) as T;
  if (value !== null && typeof value === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(value) as object | null)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      Object.defineProperty(out, stripNul(key), { value: stripNul(item), enumerable: true, writable: true, configurable: true });
    }
    return out as T;
  }
  return value;
}
