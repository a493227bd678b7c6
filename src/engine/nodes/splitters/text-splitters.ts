import type { Document } from '@langchain/core/documents';
import { FlowValidationError } from '../../errors.js';
import { asNumber, asString } from '../input-values.js';
import type { BuildContext, InputSpec, NodeDefinition } from '../node-definition.js';
import type { DocumentSplitter } from '../loaders/loader-common.js';
import { offlineTokenizer } from './offline-tokenizer.js';

/** Lazily loaded: a queue-mode server never needs the splitters. */
const splitters = () => import('@langchain/textsplitters');

const SIZE_INPUTS: InputSpec[] = [
  {
    name: 'chunkSize',
    kind: 'param',
    type: 'number',
    label: 'Chunk Size',
    optional: true,
    default: 1000,
    step: 1,
    description: 'Longest chunk, in characters (tokens for the token splitter)',
  },
  {
    name: 'chunkOverlap',
    kind: 'param',
    type: 'number',
    label: 'Chunk Overlap',
    optional: true,
    default: 200,
    step: 1,
    description: 'How much consecutive chunks share',
  },
];

/** chunkSize/chunkOverlap as Flowise passes them (integers; unset keeps LangChain's 1000/200). */
function sizes(ctx: BuildContext): { chunkSize?: number; chunkOverlap?: number } {
  const chunkSize = asNumber(ctx.inputs.chunkSize);
  const chunkOverlap = asNumber(ctx.inputs.chunkOverlap);
  const out: { chunkSize?: number; chunkOverlap?: number } = {};
  if (chunkSize !== undefined) out.chunkSize = Math.trunc(chunkSize);
  if (chunkOverlap !== undefined) out.chunkOverlap = Math.trunc(chunkOverlap);
  const size = out.chunkSize ?? 1000;
  const overlap = out.chunkOverlap ?? 200;
  if (size < 1) throw new FlowValidationError(`Node ${ctx.nodeId}: chunkSize must be a positive whole number (got ${size})`, ctx.nodeId);
  if (overlap < 0 || overlap >= size) {
    throw new FlowValidationError(`Node ${ctx.nodeId}: chunkOverlap (${overlap}) must be at least 0 and smaller than chunkSize (${size})`, ctx.nodeId);
  }
  return out;
}

const splitterBase = ['TextSplitter', 'BaseDocumentTransformer', 'Runnable'];

export const recursiveCharacterTextSplitter: NodeDefinition = {
  name: 'recursiveCharacterTextSplitter',
  label: 'Recursive Character Text Splitter',
  version: 2,
  type: 'RecursiveCharacterTextSplitter',
  description: 'Splits text on paragraphs, then lines, then words, until chunks fit the size.',
  icon: 'text-splitter',
  category: 'Text Splitters',
  baseClasses: ['RecursiveCharacterTextSplitter', ...splitterBase],
  reusable: true,
  inputs: [
    ...SIZE_INPUTS,
    {
      name: 'separators',
      kind: 'param',
      type: 'string',
      label: 'Custom Separators',
      optional: true,
      additionalParams: true,
      rows: 4,
      placeholder: '["|", "##", ">", "-"]',
      description: 'A JSON array of separators tried in order, replacing the default ones',
    },
  ],
  async build(ctx) {
    let separators: string[] | undefined;
    const raw = ctx.inputs.separators;
    if (raw !== undefined && raw !== null && raw !== '') {
      let parsed: unknown = raw;
      if (typeof raw === 'string') {
        try {
          parsed = JSON.parse(raw);
        } catch {
          parsed = undefined;
        }
      }
      if (!Array.isArray(parsed) || !parsed.every((s) => typeof s === 'string')) {
        throw new FlowValidationError(`Node ${ctx.nodeId}: separators must be a JSON array of strings`, ctx.nodeId);
      }
      separators = parsed;
    }
    const { RecursiveCharacterTextSplitter } = await splitters();
    return new RecursiveCharacterTextSplitter({ ...sizes(ctx), ...(separators ? { separators } : {}) });
  },
};

export const characterTextSplitter: NodeDefinition = {
  name: 'characterTextSplitter',
  label: 'Character Text Splitter',
  version: 1,
  type: 'CharacterTextSplitter',
  description: 'Splits text on one separator (a blank line unless set), then merges pieces up to the chunk size.',
  icon: 'text-splitter',
  category: 'Text Splitters',
  baseClasses: ['CharacterTextSplitter', ...splitterBase],
  reusable: true,
  inputs: [
    ...SIZE_INPUTS,
    { name: 'separator', kind: 'param', type: 'string', label: 'Custom Separator', optional: true, placeholder: '" "', description: 'Replaces the default separator "\\n\\n"' },
  ],
  async build(ctx) {
    const separator = typeof ctx.inputs.separator === 'string' && ctx.inputs.separator !== '' ? ctx.inputs.separator : undefined;
    const { CharacterTextSplitter } = await splitters();
    return new CharacterTextSplitter({ ...sizes(ctx), ...(separator !== undefined ? { separator } : {}) });
  },
};

const HEADER_LEVELS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'];

/** Sections starting at headers of depth ≤ `maxLevel`, each keeping its header (Flowise's splitByHeaders). */
function splitByHeaders(text: string, maxLevel: number): string[] {
  const sections: string[] = [];
  let current: string[] = [];
  for (const line of text.split('\n')) {
    const depth = /^(#{1,6})\s/.exec(line)?.[1]?.length ?? 0;
    if (depth > 0 && depth <= maxLevel && current.length > 0) {
      sections.push(current.join('\n').trim());
      current = [];
    }
    current.push(line);
  }
  if (current.length > 0) sections.push(current.join('\n').trim());
  return sections;
}

export const markdownTextSplitter: NodeDefinition = {
  name: 'markdownTextSplitter',
  label: 'Markdown Text Splitter',
  version: 1.1,
  type: 'MarkdownTextSplitter',
  description: 'Splits Markdown along its structure (headers, code blocks, rules), or at headers of a chosen level.',
  icon: 'markdown-splitter',
  category: 'Text Splitters',
  baseClasses: ['MarkdownTextSplitter', 'RecursiveCharacterTextSplitter', ...splitterBase],
  reusable: true,
  inputs: [
    ...SIZE_INPUTS,
    {
      name: 'splitByHeaders',
      kind: 'param',
      type: 'options',
      label: 'Split by Headers',
      optional: true,
      default: 'disabled',
      description: 'Cut at headers up to this level, each section keeping its header (sizes then do not apply)',
      options: [{ label: 'Disabled', name: 'disabled' }, ...HEADER_LEVELS.map((h, i) => ({ label: `${'#'.repeat(i + 1)} Headers (${h.toUpperCase()})`, name: h }))],
    },
  ],
  async build(ctx) {
    const { MarkdownTextSplitter, Document } = { ...(await splitters()), ...(await import('@langchain/core/documents')) };
    const splitter = new MarkdownTextSplitter(sizes(ctx));
    const level = HEADER_LEVELS.indexOf(asString(ctx.inputs.splitByHeaders) ?? '') + 1;
    if (level === 0) return splitter;
    const headerSplitter: DocumentSplitter & { splitText(text: string): Promise<string[]> } = {
      splitText: async (text) => splitByHeaders(text, level),
      splitDocuments: async (documents: Document[]) =>
        documents.flatMap((doc) => splitByHeaders(doc.pageContent, level).map((pageContent) => new Document({ pageContent, metadata: { ...doc.metadata } }))),
    };
    return headerSplitter;
  },
};

const ENCODINGS = ['gpt2', 'r50k_base', 'p50k_base', 'p50k_edit', 'cl100k_base'] as const;
type EncodingName = (typeof ENCODINGS)[number];

export const tokenTextSplitter: NodeDefinition = {
  name: 'tokenTextSplitter',
  label: 'Token Text Splitter',
  version: 1,
  type: 'TokenTextSplitter',
  description: 'Splits text into chunks of a number of BPE tokens (tiktoken encodings, bundled: nothing is downloaded).',
  icon: 'token-splitter',
  category: 'Text Splitters',
  baseClasses: ['TokenTextSplitter', ...splitterBase],
  reusable: true,
  inputs: [
    { name: 'encodingName', kind: 'param', type: 'options', label: 'Encoding Name', default: 'gpt2', options: ENCODINGS.map((name) => ({ label: name, name })) },
    ...SIZE_INPUTS,
  ],
  async build(ctx) {
    const encoding = (asString(ctx.inputs.encodingName) ?? 'gpt2') as EncodingName;
    if (!ENCODINGS.includes(encoding)) {
      throw new FlowValidationError(`Node ${ctx.nodeId}: unknown encoding "${encoding}" (one of ${ENCODINGS.join(', ')})`, ctx.nodeId);
    }
    const { TokenTextSplitter } = await splitters();
    const splitter = new TokenTextSplitter({ ...sizes(ctx), encodingName: encoding });
    // Set before the first split: LangChain would otherwise download the ranks.
    (splitter as unknown as { tokenizer: unknown }).tokenizer = await offlineTokenizer(encoding);
    return splitter;
  },
};
