/**
 * Table types for Kysely. Columns are camelCase like Flowise's, dates are ISO-8601 UTC strings (they sort
 * as text in both dialects), booleans are 0/1 integers and JSON columns are text, so one set of queries
 * serves SQLite and PostgreSQL alike.
 */

export interface ChatFlowTable {
  id: string;
  name: string;
  flowData: string;
  deployed: number | null;
  isPublic: number | null;
  apikeyid: string | null;
  chatbotConfig: string | null;
  apiConfig: string | null;
  analytic: string | null;
  speechToText: string | null;
  followUpPrompts: string | null;
  category: string | null;
  type: string;
  /** Bumped by every update, so caches can tell a changed chatflow from the one they hold. */
  version: number;
  createdDate: string;
  updatedDate: string;
}

export interface ChatMessageTable {
  id: string;
  role: string;
  chatflowid: string;
  content: string;
  sourceDocuments: string | null;
  usedTools: string | null;
  fileAnnotations: string | null;
  agentReasoning: string | null;
  fileUploads: string | null;
  artifacts: string | null;
  action: string | null;
  followUpPrompts: string | null;
  chatType: string;
  chatId: string;
  memoryType: string | null;
  sessionId: string | null;
  leadEmail: string | null;
  runId: string | null;
  createdDate: string;
}

export interface FeedbackTable {
  id: string;
  chatflowid: string;
  chatId: string;
  messageId: string;
  rating: string;
  content: string | null;
  createdDate: string;
}

export interface CredentialTable {
  id: string;
  name: string;
  credentialName: string;
  encryptedData: string;
  createdDate: string;
  updatedDate: string;
}

export interface ApiKeyTable {
  id: string;
  keyName: string;
  keyHash: string;
  keyPrefix: string;
  permissions: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface RunTable {
  id: string;
  chatflowId: string;
  chatId: string;
  sessionId: string;
  status: string;
  attempt: number;
  input: string;
  result: string | null;
  error: string | null;
  streaming: number;
  detachable: number;
  /** Set when an abort reached a running run; whichever worker claims it next aborts instead. */
  cancelRequested: number;
  idempotencyKey: string | null;
  apiMessageId: string;
  /** The chatflow version the server validated; workers reuse a cached chatflow of that version. */
  chatflowVersion: number | null;
  createdDate: string;
  startedDate: string | null;
  finishedDate: string | null;
  /** executions branch (012-run-list): the error's code (ErrorCode) and the node that raised it. */
  errorCode: string | null;
  errorNodeId: string | null;
  /** JSON array of the run's per-node trace entries, written when it ends (migration 011). */
  trace: string | null;
}

/** The web UI's admin account, created on first visit when no admin credential is configured. */
export interface UiUserTable {
  id: string;
  username: string;
  /** `scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>` (security/password-hash.ts). */
  passwordHash: string;
  createdDate: string;
}

/** A signed-in web UI session; deleting the row revokes its cookie on every replica. */
export interface UiSessionTable {
  id: string;
  expiresAt: string;
  createdDate: string;
}

/** SHA-256 of a one-time setup token a server printed while no admin account exists. */
export interface UiSetupTokenTable {
  tokenHash: string;
  createdDate: string;
}

/** A custom tool (Flowise's Tool): `schema` is JSON text of `[{property, type, description, required}]`, `func` JS text. */
export interface ToolTable {
  id: string;
  name: string;
  description: string;
  color: string;
  iconSrc: string | null;
  schema: string | null;
  func: string | null;
  createdDate: string;
  updatedDate: string;
}

/** A variable (Flowise's Variable): `type` is `static` (its `value`) or `runtime` (read from the environment). */
export interface VariableTable {
  id: string;
  name: string;
  value: string | null;
  type: string;
  createdDate: string;
  updatedDate: string;
}

/** agents branch: a summary memory's running summary of one session (migration 004-agents). */
export interface SessionSummaryTable {
  chatflowid: string;
  sessionId: string;
  nodeId: string;
  summary: string;
  /** How many of the session's stored messages (oldest first) the summary covers. */
  coveredCount: number;
  /** sha256 of those messages, to notice when some were deleted. */
  coveredDigest: string;
  updatedDate: string;
}

// rag-engine branch: the shared vector store, the embedding cache, upsert jobs and upsert history.

export interface VectorCollectionTable {
  id: string;
  /** e.g. `faiss:path:<basePath>` (shared by the chatflows naming it), `faiss:<chatflowId>:<nodeId>`, `docstore:<storeId>`. */
  key: string;
  embedder: string;
  dims: number;
  /** Bumped by every write that changed the chunks (processes holding its vectors in memory reload them). */
  version: number;
  createdDate: string;
  updatedDate: string;
}

export interface VectorChunkTable {
  id: string;
  collectionId: string;
  /** sha256 of content and metadata; unique within a collection (idempotent upserts). */
  contentHash: string;
  content: string;
  metadata: string;
  /** Unit-length float32: a BLOB (SQLite), `vector` (PostgreSQL with pgvector, written as '[…]' text) or `bytea`. */
  embedding: Buffer | string;
  createdDate: string;
}

export interface EmbeddingCacheTable {
  embedder: string;
  textHash: string;
  embedding: Buffer;
  createdDate: string;
}

export interface UpsertJobTable {
  id: string;
  chatflowId: string;
  chatflowVersion: number | null;
  chatId: string;
  status: string;
  attempt: number;
  input: string;
  result: string | null;
  addedDocs: string | null;
  error: string | null;
  errorCode: string | null;
  createdDate: string;
  startedDate: string | null;
  finishedDate: string | null;
  /** reconcile branch: written by the executor while the job runs (the reconciler ends jobs whose heartbeat stopped). */
  heartbeatDate: string | null;
}

export interface UpsertHistoryTable {
  id: string;
  chatflowid: string;
  result: string;
  flowData: string;
  date: string;
}

// rag-files branch: uploaded files and document stores.

/** An uploaded file's bytes (migration 007). `chatflowId` is the owner: a chatflow or a document store. */
export interface UploadTable {
  id: string;
  chatflowId: string;
  chatId: string | null;
  name: string;
  mime: string;
  size: number;
  data: Buffer;
  createdDate: string;
}

/** Flowise's DocumentStore entity; `loaders`, `whereUsed` and the configs are JSON text. */
export interface DocumentStoreTable {
  id: string;
  name: string;
  description: string | null;
  loaders: string;
  whereUsed: string;
  status: string;
  vectorStoreConfig: string | null;
  embeddingConfig: string | null;
  recordManagerConfig: string | null;
  createdDate: string;
  updatedDate: string;
}

/** Flowise's DocumentStoreFileChunk entity: one chunk a store's loader produced (`docId` = loader id). */
export interface DocumentStoreFileChunkTable {
  id: string;
  docId: string;
  storeId: string;
  chunkNo: number;
  pageContent: string;
  metadata: string | null;
}

export interface DatabaseSchema {
  chat_flow: ChatFlowTable;
  chat_message: ChatMessageTable;
  chat_message_feedback: FeedbackTable;
  credential: CredentialTable;
  apikey: ApiKeyTable;
  run: RunTable;
  ui_user: UiUserTable;
  ui_session: UiSessionTable;
  ui_setup_token: UiSetupTokenTable;
  tool: ToolTable;
  variable: VariableTable;
  session_summary: SessionSummaryTable;
  vector_collection: VectorCollectionTable;
  vector_chunk: VectorChunkTable;
  embedding_cache: EmbeddingCacheTable;
  upsert_job: UpsertJobTable;
  upsert_history: UpsertHistoryTable;
  upload: UploadTable;
  document_store: DocumentStoreTable;
  document_store_file_chunk: DocumentStoreFileChunkTable;
  maintenance_lease: MaintenanceLeaseTable;
  chat_flow_version: ChatFlowVersionTable;
}

/** reconcile branch: a named lease one process holds at a time (the reconciler's), until `expiresAt`. */
export interface MaintenanceLeaseTable {
  name: string;
  holder: string;
  expiresAt: string;
}

/**
 * versions branch (migration 010): one flowData a chatflow had. `n` counts 1, 2, 3… per chatflow; the
 * newest entry is the current flowData. `rowVersion` is the chat_flow `version` counter from which this
 * flowData was current (0 for a baseline taken of a chatflow saved before versions existed).
 */
export interface ChatFlowVersionTable {
  id: string;
  chatflowId: string;
  n: number;
  rowVersion: number;
  flowData: string;
  /** The UI admin's username, an API key's name, "admin key", "basic auth" or "loopback"; null when unknown. */
  savedBy: string | null;
  message: string | null;
  savedDate: string;
}
