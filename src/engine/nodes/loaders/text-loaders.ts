import { FlowValidationError } from '../../errors.js';
import { asString } from '../input-values.js';
import { extractorOf, noteEmptyFile } from '../../files/run-extraction.js';
import { TEXT_SPLITTER_INPUT, type FlowDocument, fileMetadata, loaderNode, nodeFileError, readFileInput, readTextFile, takeText } from './loader-common.js';

const TEXT_FILE_TYPES =
  '.txt, .html, .aspx, .asp, .cpp, .c, .cs, .css, .go, .h, .java, .js, .less, .ts, .php, .proto, .python, .py, .rst, .ruby, .rb, .rs, .scala, .sc, .scss, .sol, .sql, .swift, .markdown, .md, .tex, .ltx, .vb, .xml';

/** Flowise `textFile` (v3): each file is one document of its text (LangChain TextLoader; encodings as readTextFile). */
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
    return files.map((file) => ({ pageContent: readTextFile(ctx, file), metadata: fileMetadata(file) }));
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

/** Flowise `docxFile` (v2): the raw text of each Word document (mammoth, as LangChain's DocxLoader, on an extraction thread). */
export const docxFile = loaderNode({
  name: 'docxFile',
  label: 'Docx File',
  version: 2,
  description: 'Reads the text of Word (.docx) files into documents.',
  icon: 'docx-file',
  inputs: [{ name: 'docxFile', kind: 'param', type: 'file', label: 'Docx File', fileType: '.docx', description: 'Accepted: .docx' }, TEXT_SPLITTER_INPUT],
  async load(ctx) {
    const files = await readFileInput(ctx, 'docxFile');
    const docs: FlowDocument[] = [];
    for (const file of files) {
      let text: string;
      try {
        // On the extraction threads: a large or hostile file never blocks this process.
        text = await extractorOf(ctx.run).docx({ name: file.name, data: file.data }, ctx.run.signal);
      } catch (error) {
        ctx.run.signal.throwIfAborted();
        throw nodeFileError(ctx, error);
      }
      takeText(ctx, text.length, file.name);
      if (text.trim() === '') noteEmptyFile(ctx.run, `${file.name} has no text`);
      docs.push({ pageContent: text, metadata: fileMetadata(file) });
    }
    return docs;
  },
});
