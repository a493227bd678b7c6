import type { Document } from '@langchain/core/documents';
import { FlowValidationError } from '../../errors.js';
import { type StoredFile, parseFileInput } from '../../files/file-store.js';
import { fileText } from '../../files/document-extractor.js';
import { stripNul } from '../../files/parse-documents.js';
import { noteEmptyFile, textBudgetOf } from '../../files/run-extraction.js';
import { AppError, isAppError } from '../../../shared/app-error.js';
import { asJsonObject, asString } from '../input-values.js';
import type { BuildContext, InputSpec, NodeDefinition, OutputSpec } from '../node-definition.js';

/** A document as loaders, splitters and stores pass them (LangChain's `Document` shape). */
export interface FlowDocument {
  pageContent: string;
  metadata: Record<string, unknown>;
}

/** What a Text Splitter node builds (LangChain TextSplitter, or the header splitter of markdownTextSplitter). */
export interface DocumentSplitter {
  splitDocuments(documents: Document[]): Promise<Document[]>;
}

export function isSplitter(value: unknown): value is DocumentSplitter {
  return typeof (value as Partial<DocumentSplitter> | null)?.splitDocuments === 'function';
}

const OMIT_DESCRIPTION =
  'Comma-separated metadata keys the loader should drop (nested keys with dots); * drops all of them except the Additional Metadata';

/** The inputs every Flowise document loader ends with. */
export const LOADER_TAIL_INPUTS: InputSpec[] = [
  {
    name: 'metadata',
    kind: 'param',
    type: 'json',
    label: 'Additional Metadata',
    optional: true,
    additionalParams: true,
    description: 'A JSON object merged into the metadata of every document',
  },
  {
    name: 'omitMetadataKeys',
    kind: 'param',
    type: 'string',
    label: 'Omit Metadata Keys',
    optional: true,
    additionalParams: true,
    rows: 4,
    placeholder: 'key1, key2, key3.nestedKey1',
    description: OMIT_DESCRIPTION,
  },
];

export const TEXT_SPLITTER_INPUT: InputSpec = {
  name: 'textSplitter',
  kind: 'anchor',
  type: 'TextSplitter',
  label: 'Text Splitter',
  optional: true,
  description: 'Splits the loaded documents into chunks',
};

export const LOADER_OUTPUTS: OutputSpec[] = [
  { label: 'Document', name: 'document', baseClasses: ['Document', 'json'], description: 'The documents, each with pageContent and metadata' },
  { label: 'Text', name: 'text', baseClasses: ['string', 'json'], description: 'The page contents joined, one per line' },
];

/**
 * A file input: data URIs inline, or `FILE-STORAGE::[…]` names read through the run's FileStore. An
 * empty input gives no files (a flow may have loaders for types an upsert did not bring; the vector
 * store refuses an upsert with no documents at all).
 */
export async function readFileInput(ctx: BuildContext, inputName: string): Promise<StoredFile[]> {
  const { inline, stored } = parseFileInput(ctx.inputs[inputName], ctx.nodeId);
  if (stored.length === 0) return inline;
  const files = ctx.run.services.files;
  if (!files) throw new FlowValidationError(`Node ${ctx.nodeId}: stored files cannot be read here`, ctx.nodeId);
  return [...inline, ...(await files.load({ chatflowId: ctx.run.chatflowId }, stored))];
}

/**
 * A text file's characters (UTF-8, UTF-16 with a byte-order mark, else Latin-1; NUL removed), counted
 * against the run's text budget; an empty one is noted so an upsert without documents can say so.
 */
export function readTextFile(ctx: BuildContext, file: StoredFile): string {
  const text = fileText(file.data);
  takeText(ctx, text.length, file.name);
  if (text.trim() === '') noteEmptyFile(ctx.run, `${file.name} is empty`);
  return text;
}

/** Counts extracted text against the run's budget (413 naming the node and file past it). */
export function takeText(ctx: BuildContext, chars: number, name: string): void {
  try {
    textBudgetOf(ctx.run).take(chars, name);
  } catch (error) {
    throw nodeFileError(ctx, error);
  }
}

/** An extraction error (413, 400 naming the file) with the node's id before it. */
export function nodeFileError(ctx: BuildContext, error: unknown): Error {
  if (!isAppError(error)) return error as Error;
  if (error.message.startsWith(`Node ${ctx.nodeId}`)) return error;
  return new AppError(error.code, error.status, `Node ${ctx.nodeId}: ${error.message}`);
}

function omitPath(target: Record<string, unknown>, path: string): void {
  const keys = path.split('.');
  let current: unknown = target;
  for (const key of keys.slice(0, -1)) {
    if (typeof current !== 'object' || current === null) return;
    current = (current as Record<string, unknown>)[key];
  }
  if (typeof current === 'object' && current !== null) delete (current as Record<string, unknown>)[keys[keys.length - 1]!];
}

/** Flowise's metadata rule: the loader's keys minus the omitted ones, then the Additional Metadata over them. */
export function applyMetadata(
  docs: FlowDocument[],
  ctx: BuildContext,
  keepExtra: (key: string, value: unknown) => boolean = () => true,
): FlowDocument[] {
  let extra: Record<string, unknown>;
  try {
    extra = asJsonObject(ctx.inputs.metadata, 'Additional Metadata') ?? {};
  } catch (error) {
    throw new FlowValidationError(`Node ${ctx.nodeId}: ${(error as Error).message}`, ctx.nodeId);
  }
  extra = Object.fromEntries(Object.entries(extra).filter(([key, value]) => keepExtra(key, value)));
  const omit = asString(ctx.inputs.omitMetadataKeys)?.trim();
  const paths = omit && omit !== '*' ? omit.split(',').map((k) => k.trim()).filter(Boolean) : [];
  return docs.map((doc) => {
    if (omit === '*') return { pageContent: doc.pageContent, metadata: { ...extra } };
    const metadata = structuredClone(doc.metadata);
    for (const path of paths) omitPath(metadata, path);
    return { pageContent: doc.pageContent, metadata: { ...metadata, ...extra } };
  });
}

/** Splits with the connected Text Splitter, if any. */
export async function splitDocuments(docs: FlowDocument[], ctx: BuildContext): Promise<FlowDocument[]> {
  const splitter = ctx.inputs.textSplitter;
  if (splitter === undefined || splitter === null || splitter === '') return docs;
  if (!isSplitter(splitter)) throw new FlowValidationError(`Node ${ctx.nodeId}: input "textSplitter" is not a text splitter`, ctx.nodeId);
  const { Document } = await import('@langchain/core/documents');
  const split = await splitter.splitDocuments(docs.map((d) => new Document(d)));
  return split.map((d) => ({ pageContent: d.pageContent, metadata: d.metadata }));
}

/** The `document` output (the default) or the `text` output (page contents, each followed by a newline). */
export function loaderOutput(docs: FlowDocument[], ctx: BuildContext): FlowDocument[] | string {
  if (ctx.outputs.output === 'text') return docs.map((d) => `${d.pageContent}\n`).join('');
  return docs;
}

export interface LoaderSpec {
  name: string;
  label: string;
  version: number;
  description: string;
  icon: string;
  /** The inputs before the common tail (the splitter anchor included where Flowise places it). */
  inputs: InputSpec[];
  /** The loader's own documents, before splitting and the metadata rule. */
  load(ctx: BuildContext): Promise<FlowDocument[]>;
  /** Loaders that split each document themselves (cheerio per page) set this. */
  splitsItself?: boolean;
  /** Which Additional Metadata entries are constants to merge (jsonFile reads `/pointer` values itself). */
  keepExtraMetadata?: (key: string, value: unknown) => boolean;
}

/** A document loader node: load, split, apply metadata, answer `document` or `text` (Flowise's pipeline). */
export function loaderNode(spec: LoaderSpec): NodeDefinition {
  return {
    name: spec.name,
    label: spec.label,
    version: spec.version,
    type: 'Document',
    description: spec.description,
    icon: spec.icon,
    category: 'Document Loaders',
    baseClasses: ['Document'],
    inputs: [...spec.inputs, ...LOADER_TAIL_INPUTS],
    outputs: LOADER_OUTPUTS,
    async build(ctx) {
      const loaded = await spec.load(ctx);
      const split = spec.splitsItself ? loaded : await splitDocuments(loaded, ctx);
      // PostgreSQL refuses NUL in text and jsonb (Flowise #2387): none leaves a loader, in text or metadata.
      return loaderOutput(stripNul(applyMetadata(split, ctx, spec.keepExtraMetadata)), ctx);
    },
  };
}

/** The documents a `document` list input holds (nested arrays flattened, empty ones dropped, as Flowise does; NUL removed). */
export function collectDocuments(value: unknown): FlowDocument[] {
  const out: FlowDocument[] = [];
  const visit = (item: unknown) => {
    if (Array.isArray(item)) item.forEach(visit);
    else if (item && typeof item === 'object' && typeof (item as FlowDocument).pageContent === 'string') {
      const doc = item as FlowDocument;
      if (doc.pageContent !== '') out.push(stripNul({ pageContent: doc.pageContent, metadata: { ...(doc.metadata ?? {}) } }));
    }
  };
  visit(value);
  return out;
}

/** `source` and `blobType` of a file, as LangChain's loaders set them (with the file's name as the source). */
export const fileMetadata = (file: StoredFile) => ({ source: file.name, blobType: file.mime });
