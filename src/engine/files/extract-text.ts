import type { FileKind } from '../../shared/file-types.js';

/**
 * The text of an uploaded document, as Flowise's File Loader (`fileLoader`) reads it for full-file
 * uploads and the attachments API: the loaded documents' `pageContent` joined by newlines.
 * - PDF: one document per page (`perPage`, Flowise's default) or one for the file (`perFile`); a
 *   page's text items are joined, with a newline where the baseline changes (LangChain's PDFLoader).
 *   Parsed with pdfjs-dist, the library the PDF loader node uses.
 * - DOCX: mammoth's raw text (LangChain's DocxLoader).
 * - CSV: one document per row, `column: value` lines (LangChain's CSVLoader), parsed with papaparse.
 * - JSON: every string value in document order, one per line (LangChain's JSONLoader).
 * - Other text types: the file as UTF-8.
 */
export interface ExtractOptions {
  /** PDF: a document per page (default) or one for the whole file. */
  pdfUsage?: 'perPage' | 'perFile';
}

export interface ExtractableFile {
  name: string;
  data: Buffer;
  /** From the checked file type (shared/file-types.ts). */
  kind: FileKind;
  mime: string;
}

export async function extractText(file: ExtractableFile, options: ExtractOptions = {}): Promise<string> {
  switch (file.kind) {
    case 'pdf':
      return (await pdfPages(file.data)).join(options.pdfUsage === 'perFile' ? '\n\n' : '\n');
    case 'docx':
      return docxText(file.data);
    case 'text':
      if (file.mime === 'text/csv') return (await csvRows(file.data.toString('utf8'))).join('\n');
      if (file.mime === 'application/json') return jsonStrings(file.data.toString('utf8'), file.name).join('\n');
      return file.data.toString('utf8');
    default:
      throw new Error(`${file.name}: no text can be extracted from a ${file.mime} file`);
  }
}

interface PdfTextItem {
  str?: string;
  transform?: number[];
}

/** The text of each page with any text (empty pages are left out, as LangChain's PDFLoader does). */
export async function pdfPages(data: Buffer): Promise<string[]> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const task = pdfjs.getDocument({ data: new Uint8Array(data), isEvalSupported: false, useSystemFonts: false, verbosity: 0 });
  const doc = await task.promise;
  try {
    const pages: string[] = [];
    for (let number = 1; number <= doc.numPages; number += 1) {
      const page = await doc.getPage(number);
      const content = await page.getTextContent();
      let lastY: number | undefined;
      let text = '';
      for (const item of content.items as PdfTextItem[]) {
        if (typeof item.str !== 'string') continue;
        const y = item.transform?.[5];
        text += lastY === undefined || y === lastY ? item.str : `\n${item.str}`;
        lastY = y;
      }
      page.cleanup();
      if (text.trim() !== '') pages.push(text);
    }
    return pages;
  } finally {
    await task.destroy();
  }
}

export async function docxText(data: Buffer): Promise<string> {
  const mammoth = await import('mammoth');
  const result = await (mammoth.default ?? mammoth).extractRawText({ buffer: data });
  return result.value;
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
