import type { FileKind } from '../../shared/file-types.js';
import { type DocumentExtractor, fileText, inThreadExtractor } from './document-extractor.js';

/**
 * The text of an uploaded document, as Flowise's File Loader (`fileLoader`) reads it for full-file
 * uploads and the attachments API: the loaded documents' `pageContent` joined by newlines.
 * - PDF: one document per page (`perPage`, Flowise's default) or one for the file (`perFile`); a
 *   page's text items are joined, with a newline where the baseline changes (LangChain's PDFLoader).
 *   Parsed with pdfjs-dist on the extractor (worker threads), as the PDF loader node is.
 * - DOCX: mammoth's raw text (LangChain's DocxLoader), on the extractor, after its archive check.
 * - CSV: one document per row, `column: value` lines (LangChain's CSVLoader), parsed with papaparse.
 * - JSON: every string value in document order, one per line (LangChain's JSONLoader).
 * - Other text types: the file's characters (UTF-8; UTF-16 with a byte-order mark; else Latin-1).
 * NUL characters are removed. Errors: the extractor's (413 too much text, 400 unreadable), or an
 * Error naming the file for CSV/JSON that cannot be read.
 */
export interface ExtractOptions {
  /** PDF: a document per page (default) or one for the whole file. */
  pdfUsage?: 'perPage' | 'perFile';
  signal?: AbortSignal;
}

export interface ExtractableFile {
  name: string;
  data: Buffer;
  /** From the checked file type (shared/file-types.ts). */
  kind: FileKind;
  mime: string;
}

export async function extractText(file: ExtractableFile, options: ExtractOptions = {}, extractor: DocumentExtractor = inThreadExtractor()): Promise<string> {
  switch (file.kind) {
    case 'pdf': {
      const { pages } = await extractor.pdf({ name: file.name, data: file.data }, options.signal);
      // Empty pages are left out, as LangChain's PDFLoader does.
      return pages.filter((page) => page.trim() !== '').join(options.pdfUsage === 'perFile' ? '\n\n' : '\n');
    }
    case 'docx':
      return extractor.docx({ name: file.name, data: file.data }, options.signal);
    case 'text': {
      const text = fileText(file.data);
      if (file.mime === 'text/csv') return (await csvRows(text)).join('\n');
      if (file.mime === 'application/json') return jsonStrings(text, file.name).join('\n');
      return text;
    }
    default:
      throw new Error(`${file.name}: no text can be extracted from a ${file.mime} file`);
  }
}

/** LangChain's CSVLoader page content: `column: value` per column, one row per document. */
export async function csvRows(text: string): Promise<string[]> {
  const { default: papa } = await import('papaparse');
  const parsed = papa.parse<Record<string, unknown>>(text.replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: true });
  return parsed.data.map((row) =>
    Object.entries(row)
      .map(([key, value]) => `${key.trim()}: ${String(value ?? '').trim()}`)
      .join('\n'),
  );
}

/** LangChain's JSONLoader without a pointer: every string value, depth first. */
export function jsonStrings(text: string, name: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${name} is not valid JSON`);
  }
  const strings: string[] = [];
  const walk = (node: unknown) => {
    if (typeof node === 'string') strings.push(node);
    else if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') Object.values(node).forEach(walk);
  };
  walk(value);
  return strings;
}
