import { extractorOf, noteEmptyFile } from '../../files/run-extraction.js';
import type { StoredFile } from '../../files/file-store.js';
import type { BuildContext } from '../node-definition.js';
import { TEXT_SPLITTER_INPUT, type FlowDocument, fileMetadata, loaderNode, nodeFileError, readFileInput, takeText } from './loader-common.js';

/** One file's documents: its pages (parsed on an extraction thread, within the text limits). */
async function readPdf(ctx: BuildContext, file: StoredFile, perFile: boolean): Promise<FlowDocument[]> {
  let parsed;
  try {
    parsed = await extractorOf(ctx.run).pdf({ name: file.name, data: file.data }, ctx.run.signal);
  } catch (error) {
    ctx.run.signal.throwIfAborted();
    throw nodeFileError(ctx, error);
  }
  const { pages, version, info, totalPages } = parsed;
  takeText(ctx, pages.reduce((sum, page) => sum + page.length, 0), file.name);
  if (pages.every((page) => page.trim() === '')) {
    noteEmptyFile(ctx.run, `${file.name} has no text layer (${totalPages} page${totalPages === 1 ? '' : 's'} of images, such as a scan, or none)`);
  }
  const base = { ...fileMetadata(file), pdf: { version, info, totalPages } };
  if (perFile) return [{ pageContent: pages.filter((p) => p.trim() !== '').join('\n\n'), metadata: base }];
  // Pages without text (scans) give no document, as in LangChain's loader.
  return pages.flatMap((text, i) => (text.trim() === '' ? [] : [{ pageContent: text, metadata: { ...base, loc: { pageNumber: i + 1 } } }]));
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
    for (const file of files) docs.push(...(await readPdf(ctx, file, perFile)));
    return docs;
  },
});
