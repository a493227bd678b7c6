import type { FlowResult, RunEventSink } from '../events/run-event.js';
import type { DocumentExtractor } from '../files/document-extractor.js';
import type { FileStore } from '../files/file-store.js';
import type { FileUpload } from '../files/uploads.js';
import type { SummaryStore } from '../memory/summary-store.js';
import type { InstanceCache } from '../run/instance-cache.js';
import type { EmbeddingCache, IndexCounts, VectorIndex } from '../vectors/vector-port.js';
import type { CodeSandbox } from '../../sandbox/code-sandbox.js';
import type { OutboundFetch } from '../../security/outbound-policy.js';
import type { NodeTracer } from '../run/node-tracer.js';

/** Flowise's category names; the editor groups its palette by them and the engine's rules read them. */
export type NodeCategory =
  | 'Chat Models'
  | 'Prompts'
  | 'Chains'
  | 'Memory'
  | 'Agents'
  | 'Tools'
  | 'Output Parsers'
  | 'Moderation'
  | 'Document Loaders'
  | 'Text Splitters'
  | 'Embeddings'
  | 'Vector Stores'
  | 'Retrievers'
  | 'Utilities';

/** One choice of an `options` param (Flowise `INodeOptionsValue`): `name` is the stored value. */
export interface ParamOption {
  label: string;
  name: string;
  description?: string;
}

/**
 * One entry of a node's interface (flowise-nodes.md §3): a connectable anchor or a typed param.
 * The engine reads `name`, `kind`, `type`, `optional`, `list` and `acceptVariable`; the other fields are
 * the node catalogue (`GET /api/v1/nodes`, Flowise's `INodeParams` shape) that the editor renders.
 */
export interface InputSpec {
  name: string;
  kind: 'anchor' | 'param';
  /** Anchor: accepted class (BaseChatModel, BasePromptTemplate, …); param: UI type (string, number, boolean, password, options, json, …). */
  type: string;
  /** Editor label (our own wording). */
  label: string;
  optional?: boolean;
  list?: boolean;
  /** `{{question}}`, `{{chat_history}}` and node references are inserted as text here. */
  acceptVariable?: boolean;
  /** One sentence for the editor's tooltip. */
  description?: string;
  /** The value a new node starts with (Flowise stores it in `data.inputs`). */
  default?: string | number | boolean;
  placeholder?: string;
  /** Choices of an `options` param. */
  options?: ParamOption[];
  /** Text areas: visible lines. */
  rows?: number;
  /** Numbers: the editor's increment. */
  step?: number;
  /** Shown in the "Additional Parameters" dialog instead of on the node card. */
  additionalParams?: boolean;
  /** Kept in flowData but not shown in the editor (Flowise's hidden params). */
  hidden?: boolean;
  /** `asyncOptions` params: the node's load method that lists the choices (Flowise's `loadMethod`, e.g. `listTools`). */
  loadMethod?: string;
  /** `file` params: the extensions the file picker offers, comma-separated (Flowise's `fileType`, e.g. `.pdf`). */
  fileType?: string;
  /** `datagrid` params: the grid's columns (Flowise's `datagrid`, MUI DataGrid column fields). */
  datagrid?: DatagridColumn[];
  /** `array` params: the fields of one item of the list (Flowise's `array`). */
  array?: ArrayItemField[];
}

/** A column of a `datagrid` param: rows are objects keyed by `field` (Flowise stores them as a JSON string). */
export interface DatagridColumn {
  field: string;
  headerName: string;
  /** `singleSelect` picks from `valueOptions`; absent or `string` is free text. */
  type?: 'string' | 'number' | 'boolean' | 'singleSelect';
  valueOptions?: string[];
  editable?: boolean;
  flex?: number;
}

/** A field of one item of an `array` param (Flowise's `INodeArrayParams`-like entries). */
export interface ArrayItemField {
  label: string;
  name: string;
  type: 'string' | 'number' | 'boolean' | 'options';
  options?: ParamOption[];
  default?: string | number | boolean;
  placeholder?: string;
  description?: string;
}

/** An alternative output of a multi-output node (Flowise `INodeOutputsValue`; llmChain's `outputPrediction`). */
export interface OutputSpec {
  label: string;
  name: string;
  baseClasses: string[];
  description?: string;
}

/**
 * What the documentStore and documentStoreVS nodes read of a document store (Flowise's DocumentStore
 * entities): its chunks, and the embeddings model its vectors were made with.
 */
export interface DocumentStorePort {
  /** The store's chunks as documents, in loader and chunk order; fails (FlowValidationError) for an unknown store. */
  documents(storeId: string): Promise<Array<{ pageContent: string; metadata: Record<string, unknown> }>>;
  /**
   * The store's embeddings model, built from its embedding config, and its vector store config (for
   * `topK`); fails (FlowValidationError) when the store is unknown or has no embedding config.
   */
  vectorSettings(storeId: string, run: RunContext): Promise<{ embeddings: unknown; vectorStoreConfig: Record<string, unknown> }>;
}

/** A message of a session's conversation as memory returns it. */
export interface ChatTurn {
  role: 'userMessage' | 'apiMessage';
  content: string;
}

/** What the engine needs from the outside world, passed in explicitly (no DB, env or HTTP here). */
export interface EngineServices {
  loadHistory(chatflowId: string, sessionId: string): Promise<ChatTurn[]>;
  /** Decrypted fields of a stored credential; fails (FlowValidationError) when it is missing or of another type. */
  loadCredential(credentialId: string, acceptedNames: string[], nodeId: string): Promise<Record<string, unknown>>;
  llm: { maxRetries: number };
  /** Where reusable node instances (chat models) are kept between runs; none means build every time. */
  instances?: InstanceCache;
  /** Uploaded files (loaders' `FILE-STORAGE::` inputs, prediction uploads); absent where none are stored. */
  files?: FileStore;
  /**
   * HTTP to user-chosen URLs under the outbound policy (security/outbound-policy.ts): requestsGet/Post,
   * web loaders. Nodes never fetch such URLs any other way; absent means they refuse to fetch.
   */
  outbound?: OutboundFetch;
  /** Runs user-written JavaScript (customTool) in the QuickJS worker pool; absent means such nodes refuse to run. */
  sandbox?: CodeSandbox;
  /** Stored variables (`$vars`), values resolved (runtime ones from the allowed environment); absent: none. */
  variables?: VariableSource;
  /** Stored custom tools (the customTool node's `selectedTool`); absent: none can be found. */
  customTools?: CustomToolSource;
  /** Base URLs of the web APIs tools and moderation call (configured; absent: the public hosts). */
  endpoints?: ServiceEndpoints;
  /** Summary memories' running summaries, per session (absent: a summary is recomputed on every run). */
  summaries?: SummaryStore;
  /** The vector store in the application database that every process shares (faiss and the like). */
  vectors?: VectorIndex;
  /** Embeddings by text hash, so a text is embedded once (retried upserts, memoryVectorStore questions). */
  embeddingCache?: EmbeddingCache;
  /** Document stores' chunks and settings (documentStore, documentStoreVS); absent where there are none. */
  documentStores?: DocumentStorePort;
  /**
   * Reads PDF and DOCX files off the event loop (a worker-thread pool) within the configured text
   * limits (harden-rag); absent: loaders parse in this thread with the default limits.
   */
  extractor?: DocumentExtractor;
}

/** What a vector store node's upsert answers (Flowise's IndexingResult). */
export interface UpsertOutcome extends IndexCounts {
  /** The documents the upsert indexed (Flowise's `addedDocs`). */
  addedDocs: Array<{ pageContent: string; metadata: Record<string, unknown> }>;
}

/**
 * Base URLs (no trailing slash) of third-party APIs nodes call, set by configuration so tests and
 * private deployments can point them elsewhere (README: SERPAPI_BASE_URL and the others).
 */
export interface ServiceEndpoints {
  /** SerpAPI, e.g. `https://serpapi.com` (the tool calls `<base>/search`). */
  serpApi: string;
  /** Serper, e.g. `https://google.serper.dev` (`<base>/search`). */
  serper: string;
  /** Google Custom Search, e.g. `https://www.googleapis.com/customsearch/v1`. */
  googleCustomSearch: string;
  /** OpenAI's API for inputModerationOpenAI, e.g. `https://api.openai.com/v1` (`<base>/moderations`). */
  openAIModeration: string;
}

/** The variables table as the engine sees it: name → value, loaded once per run that needs it. */
export interface VariableSource {
  load(): Promise<Record<string, string>>;
}

/** A stored custom tool (Flowise's Tool entity): `schema` JSON text of its arguments, `func` a JS function body. */
export interface CustomToolRecord {
  id: string;
  name: string;
  description: string;
  schema: string | null;
  func: string | null;
}

export interface CustomToolSource {
  get(id: string): Promise<CustomToolRecord | undefined>;
}

/** Everything about the current run that nodes may read. */
export interface RunContext {
  runId: string;
  chatflowId: string;
  chatId: string;
  sessionId: string;
  apiMessageId: string;
  question: string;
  /** The request's `history`, placed before stored messages and never saved. */
  requestHistory: ChatTurn[];
  /** The question's uploads (images for vision models, stored and full files), as the user message records them. */
  uploads?: FileUpload[];
  /** True when the ending node's LLM call should stream tokens into `sink`. */
  streaming: boolean;
  signal: AbortSignal;
  sink: RunEventSink;
  services: EngineServices;
  /** Times the run's nodes (per-node trace); runs without one (upserts, previews) are not traced. */
  trace?: NodeTracer;
}

export interface BuildContext {
  nodeId: string;
  label: string;
  /** Inputs after overrideConfig and `{{…}}` resolution: references are replaced by built instances. */
  inputs: Record<string, unknown>;
  /** Decrypted credential fields of `data.credential`, when the node has one. */
  credential: Record<string, unknown>;
  /** `data.outputs` (llmChain's chosen output). */
  outputs: Record<string, unknown>;
  run: RunContext;
  /**
   * The run's variables (`$vars`): stored variables, then `overrideConfig.vars` where the chatflow allows
   * them. Loaded for nodes with `usesVariables` (and any node whose inputs mention `$vars`); else empty.
   */
  vars?: Readonly<Record<string, unknown>>;
}

/**
 * A node type: its interface (what validation reads), its catalogue entry (what `GET /api/v1/nodes`
 * serves, in Flowise's `INode` shape) and its build/run, in one place so editor, validation and
 * execution never disagree.
 */
export interface NodeDefinition {
  name: string;
  label: string;
  /** Catalogue version; a saved node with a lower `data.version` is offered an upgrade in the editor. */
  version: number;
  /** Main class name (Flowise's `type`, e.g. `ChatOpenAI`, `LLMChain`). */
  type: string;
  /** One or two sentences for the palette (our own wording). */
  description: string;
  /** Icon file name under the catalogue's icon set; defaults to the category's icon. */
  icon?: string;
  category: NodeCategory;
  /** Classes this node's instance satisfies; an anchor accepts a node whose list holds its type. */
  baseClasses: string[];
  inputs: InputSpec[];
  /** Alternative outputs (the editor shows an options anchor and stores the choice in `data.outputs.output`). */
  outputs?: OutputSpec[];
  /** Accepted credential types and the fields a node may take from its inputs instead. */
  credential?: { names: string[]; fields: string[]; optional: boolean };
  /** Chat models: counts for the streaming rule (§2.6) when the node has no `streaming` input. */
  streamCapable?: boolean;
  /** The built instance depends only on inputs and credential, and may serve many runs at once. */
  reusable?: boolean;
  /**
   * Chains and agents that pass the question's uploaded images to their chat model (when the model
   * allows image uploads; see engine/files/uploads.ts). A flow accepts image uploads only with one.
   */
  passesImages?: boolean;
  build(ctx: BuildContext): Promise<unknown>;
  /** Vector stores: indexes the connected documents instead of building (the upsert path). */
  upsert?(ctx: BuildContext): Promise<UpsertOutcome>;
  /** Ending-capable nodes (chains): runs the built instance with the question. */
  run?(instance: unknown, ctx: RunContext): Promise<FlowResult>;
  /** The node reads the run's variables at build time (customTool's `$vars`), so they are loaded first. */
  usesVariables?: boolean;
  /** Extra static checks beyond required inputs; throw FlowValidationError. */
  validate?(inputs: Record<string, unknown>, nodeId: string, outputs: Record<string, unknown>): void;
}
