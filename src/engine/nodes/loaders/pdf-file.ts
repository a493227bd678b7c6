import type { StoredFile } from '../../files/file-store.js';
import { FlowValidationError } from '../../errors.js';
import { TEXT_SPLITTER_INPUT, type FlowDocument, fileMetadata, loaderNode, readFileInput } from './loader-common.js';

interface PdfTextItem {
  str?: string;
  transform?: number[];
  hasEOL?: boolean;
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

async function readPdf(file: StoredFile, perFile: boolean, nodeId: string): Promise<FlowDocument[]> {
  // The legacy build runs on Node without DOM APIs; the text layer needs no canvas.
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  let doc;
  try {
    doc = await pdfjs.getDocument({ data: new Uint8Array(file.data), isEvalSupported: false, useSystemFonts: true, disableFontFace: true, verbosity: 0 }).promise;
  } catch (error) {
    throw new FlowValidationError(`Node ${nodeId}: ${file.name} is not a readable PDF (${(error as Error).message})`, nodeId);
  }
  try {
    const meta = await doc.getMetadata().catch(() => undefined);
    const pdf = {
      version: (meta?.info as { PDFFormatVersion?: string } | undefined)?.PDFFormatVersion ?? null,
      info: meta?.info ?? {},
      totalPages: doc.numPages,
    };
    const pages: string[] = [];
    for (let number = 1; number <= doc.numPages; number += 1) {
      const page = await doc.getPage(number);
      pages.push(pageText((await page.getTextContent()).items as PdfTextItem[]));
      page.cleanup();
    }
    const base = { ...fileMetadata(file), pdf };
    if (perFile) return [{ pageContent: pages.filter((p) => p.trim() !== '').join('\n\n'), metadata: base }];
    // Pages without text (scans) give no document, as in LangChain's loader.
    return pages.flatMap((text, i) => (text.trim() === '' ? [] : [{ pageContent: text, metadata: { ...base, loc: { pageNumber: i + 1 } } }]));
  } finally {
    await doc.destroy();
  }
}

/** Flowise `pdfFile` (v2): one document per page (`perPage`, the default) or per file (`perFile`). */
export const pdfFile = loaderNode({
  name: 'pdfFile',
  label: 'Pdf File',
  version: 2,
  description: 'Reads the text of PDF files, one document per page or per file.',
  icon: 'pdf-file',
  inputs: [
    { name: 'pdfFile', kind: 'param', type: 'file', label: 'Pdf File', fileType: '.pdf', description: 'Accepted: .pdf' },
    TEXT_SPLITTER_INPUT,
    {
      name: 'usage',
      kind: 'param',
      type: 'options',
      label: 'Usage',
      default: 'perPage',
      options: [
        { label: 'One document per page', name: 'perPage' },
        { label: 'One document per file', name: 'perFile' },
      ],
    },
    {
      name: 'legacyBuild',
      kind: 'param',
      type: 'boolean',
      label: 'Use Legacy Build',
      optional: true,
      additionalParams: true,
      description: 'Kept for Flowise exports; the Node build of pdf.js is always used',
    },
  ],
  async load(ctx) {
    const files = await readFileInput(ctx, 'pdfFile');
    const perFile = ctx.inputs.usage === 'perFile';
    const docs: FlowDocument[] = [];
    for (const file of files) docs.push(...(await readPdf(file, perFile, ctx.nodeId)));
    return docs;
  },
});
