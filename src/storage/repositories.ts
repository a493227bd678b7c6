import type { Db } from './database.js';
import { ApiKeyRepository } from './repositories/api-key-repository.js';
import { ChatFlowRepository } from './repositories/chatflow-repository.js';
import { ChatMessageRepository } from './repositories/chat-message-repository.js';
import { CredentialRepository } from './repositories/credential-repository.js';
import { FeedbackRepository } from './repositories/feedback-repository.js';
import { RunRepository } from './repositories/run-repository.js';
import { UiAuthRepository } from './repositories/ui-auth-repository.js';
import { ToolRepository } from './repositories/tool-repository.js';
import { VariableRepository } from './repositories/variable-repository.js';
import { SummaryRepository } from './repositories/summary-repository.js';
import type { Logger } from '../shared/logger.js';
import { EmbeddingCacheRepository } from './repositories/embedding-cache-repository.js';
import { VectorRepository } from './repositories/vector-repository.js';
import { UpsertRepository } from './repositories/upsert-repository.js';
import { UploadRepository } from './repositories/upload-repository.js';
import { DocumentStoreRepository } from './repositories/document-store-repository.js';
import { ReconcileRepository } from './repositories/reconcile-repository.js';
import { ChatFlowVersionRepository } from './repositories/chatflow-version-repository.js';

export interface Repositories {
  chatflows: ChatFlowRepository;
  messages: ChatMessageRepository;
  feedback: FeedbackRepository;
  credentials: CredentialRepository;
  apiKeys: ApiKeyRepository;
  runs: RunRepository;
  uiAuth: UiAuthRepository;
  tools: ToolRepository;
  variables: VariableRepository;
  summaries: SummaryRepository;
  vectors: VectorRepository;
  embeddingCache: EmbeddingCacheRepository;
  upserts: UpsertRepository;
  uploads: UploadRepository;
  documentStores: DocumentStoreRepository;
  /** reconcile branch: the reconciler's lease and its scans of interrupted runs and upsert jobs. */
  reconcile: ReconcileRepository;
  /** versions branch: chatflow versions (saves go through it, so flowData history stays complete). */
  chatflowVersions: ChatFlowVersionRepository;
}

export function createRepositories(db: Db, dialect: 'sqlite' | 'postgres', logger?: Logger, vectorCacheBytes?: number): Repositories {
  return {
    chatflows: new ChatFlowRepository(db),
    messages: new ChatMessageRepository(db),
    feedback: new FeedbackRepository(db),
    credentials: new CredentialRepository(db),
    apiKeys: new ApiKeyRepository(db),
    runs: new RunRepository(db, dialect),
    uiAuth: new UiAuthRepository(db),
    tools: new ToolRepository(db),
    variables: new VariableRepository(db),
    summaries: new SummaryRepository(db),
    vectors: new VectorRepository(db, dialect, logger, vectorCacheBytes),
    embeddingCache: new EmbeddingCacheRepository(db),
    upserts: new UpsertRepository(db),
    uploads: new UploadRepository(db),
    documentStores: new DocumentStoreRepository(db, dialect),
    reconcile: new ReconcileRepository(db),
    chatflowVersions: new ChatFlowVersionRepository(db, dialect),
  };
}
