import type { AppConfig } from '../config/app-config.js';
import { createNodeRegistry } from '../engine/nodes/node-registry.js';
import { createEngineServices, variableSource } from '../runner/engine-services.js';
import { PlanCache } from '../runner/plan-cache.js';
import { RunExecutor } from '../runner/run-executor.js';
import { heartbeatMs } from '../runner/reconciler.js';
import { UpsertExecutor } from '../runner/upsert/upsert-executor.js';
import { ExtractionPool } from '../extraction/extraction-pool.js';
import type { EngineServices } from '../engine/nodes/node-definition.js';
import { CredentialCipher } from '../security/credential-cipher.js';
import { SandboxPool } from '../sandbox/sandbox-pool.js';
import { OutboundPolicy } from '../security/outbound-policy.js';
import { resolveCredentialKey } from '../security/secret-key.js';
import type { Logger } from '../shared/logger.js';
import type { Metrics } from '../shared/metrics.js';
import { type Database, openDatabase } from '../storage/database.js';
import { type Repositories, createRepositories } from '../storage/repositories.js';

/** What server and worker share: database, repositories, credential cipher, plans and the executor. */
export interface Core {
  database: Database;
  repos: Repositories;
  cipher: CredentialCipher;
  plans: PlanCache;
  executor: RunExecutor;
  /** Runs vector upserts (main mode in the server, queue mode on workers). */
  upserts: UpsertExecutor;
  /** The engine's services (shared with what the server runs itself: document store previews, attachments). */
  services: EngineServices;
  /** Closes what the core owns: sandbox workers, outbound connections, then the database (idempotent). */
  close(): Promise<void>;
}

export async function composeCore(
  config: AppConfig,
  logger: Logger,
  metrics: Metrics,
  options: { maxAttempts?: number } = {},
): Promise<Core> {
  const cipher = new CredentialCipher(resolveCredentialKey(config.secrets));
  const database = await openDatabase(config.database, logger);
  try {
    await database.migrate();
  } catch (error) {
    await database.close();
    throw error;
  }
  const repos = createRepositories(database.db, database.dialect, logger, config.vectorCacheBytes);
  // At start-up, not at the first search: PostgreSQL without pgvector is said once, in the log.
  await repos.vectors.storageKind();
  const plans = new PlanCache(createNodeRegistry());
  const outbound = new OutboundPolicy(config.outbound);
  const sandbox = new SandboxPool(config.sandbox, config.outbound, logger);
  const extractor = new ExtractionPool({ maxFileChars: config.uploads.maxTextChars, maxRequestChars: config.uploads.maxRequestTextChars }, logger);
  const services: EngineServices = {
    ...createEngineServices(repos, cipher, config.runs.llmMaxRetries, config.endpoints, {
      outbound,
      sandbox,
      variables: variableSource(repos, config.variables),
    }),
    extractor,
  };
  const executor = new RunExecutor({
    repos,
    plans,
    services,
    predictionTimeoutMs: config.runs.predictionTimeoutMs,
    followUpTimeoutMs: config.runs.followUpTimeoutMs,
    logger,
    metrics,
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
  });
  const upserts = new UpsertExecutor({
    repos,
    registry: plans.registry,
    services,
    logger,
    heartbeatMs: heartbeatMs(config.reconcileIntervalMs),
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
  });
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await sandbox.close();
      await extractor.close();
      await outbound.close();
      await database.close();
    })();
    return closing;
  };
  return { database, repos, cipher, plans, executor, upserts, services, close };
}
