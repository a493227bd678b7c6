import { FlowValidationError } from '../../errors.js';
import { asString } from '../input-values.js';
import { TEXT_SPLITTER_INPUT, type FlowDocument, fileMetadata, loaderNode, readFileInput } from './loader-common.js';

const TEXT_FILE_TYPES =
  '.txt, .html, .aspx, .asp, .cpp, .c, .cs, .css, .go, .h, .java, .js, .less, .ts, .php, .proto, .python, .py, .rst, .ruby, .rb, .rs, .scala, .sc, .scss, .sol, .sql, .swift, .markdown, .md, .tex, .ltx, .vb, .xml';

/** Flowise `textFile` (v3): each file is one document of its UTF-8 text (LangChain TextLoader). */
export const textFile = loaderNode({
  name: 'textFile',
  label: 'Text File',
  version: 3,
  description: 'Reads text files (plain text, Markdown, code, HTML as text) into documents.',
  icon: 'text-file',
  inputs: [
    { name: 'txtFile', kind: 'param', type: 'file', label: 'Txt File', fileType: TEXT_FILE_TYPES, description: `Accepted: ${TEXT_FILE_TYPES}` },
    TEXT_SPLITTER_INPUT,
  ],
  async load(ctx) {
    const files = await readFileInput(ctx, 'txtFile');
    return files.map((file) => ({ pageContent: file.data.toString('utf8'), metadata: fileMetadata(file) }));
  },
});

/** Flowise `plainText` (v2): the text typed into the node, as one document (or split). */
export const plainText = loaderNode({
  name: 'plainText',
  label: 'Plain Text',
  version: 2,
  description: 'Turns text typed into the node into documents.',
  icon: 'plain-text',
  inputs: [
    { name: 'text', kind: 'param', type: 'string', label: 'Text', rows: 4, placeholder: 'Paste or type the text to load…' },
    TEXT_SPLITTER_INPUT,
  ],
  async load(ctx) {
    const text = asString(ctx.inputs.text);
    if (text === undefined) throw new FlowValidationError(`Node ${ctx.nodeId}: input "text" is empty`, ctx.nodeId);
    return [{ pageContent: text, metadata: {} }];
  },
});

/** Flowise `docxFile` (v2): the raw text of each Word document (mammoth, as LangChain's DocxLoader). */
export const docxFile = loaderNode({
  name: 'docxFile',
  label: 'Docx File',
  version: 2,
  description: 'Reads the text of Word (.docx) files into documents.',
  icon: 'docx-file',
  inputs: [{ name: 'docxFile', kind: 'param', type: 'file', label: 'Docx File', fileType: '.docx', description: 'Accepted: .docx' }, TEXT_SPLITTER_INPUT],
  async load(ctx) {
    const files = await readFileInput(ctx, 'docxFile');
    const { default: mammoth } = await import('mammoth');
    const docs: FlowDocument[] = [];
    for (const file of files) {
      let text: string;
      try {
        text = (await mammoth.extractRawText({ buffer: file.data })).value;
      } catch (error) {
        throw new FlowValidationError(`Node ${ctx.nodeId}: ${file.name} is not a readable .docx file (${(error as Error).message})`, ctx.nodeId);
      }
      docs.push({ pageContent: text, metadata: fileMetadata(file) });
    }
    return docs;
  },
});
