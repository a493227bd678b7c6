import type { FastifyInstance } from 'fastify';
import type { EngineServices } from '../engine/nodes/node-definition.js';
import type { AppConfig } from '../config/app-config.js';
import type { FlowRunner } from '../runner/flow-runner.js';
import type { PlanCache } from '../runner/plan-cache.js';
import type { UpsertRunner } from '../runner/upsert/upsert-runner.js';
import type { CredentialCipher } from '../security/credential-cipher.js';
import type { Logger } from '../shared/logger.js';
import type { Metrics } from '../shared/metrics.js';
import type { RateLimitStore } from '../shared/rate-limit-store.js';
import type { Repositories } from '../storage/repositories.js';
import type { QueueStatusSource } from '../runner/queue/queue-status.js';

/** A dependency `/readyz` checks; `check` rejects when it is unreachable. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

/** Everything the HTTP app needs, built by the CLI's composition root and passed in explicitly. */
export interface AppDeps {
  config: AppConfig;
  repos: Repositories;
  runner: FlowRunner;
  /** Vector upserts (POST /api/v1/vector/upsert/:id). */
  upserts: UpsertRunner;
  plans: PlanCache;
  cipher: CredentialCipher;
  logger: Logger;
  readiness: ReadinessCheck[];
  metrics: Metrics;
  /** Where per-chatflow rate limits count requests (in process, or in Redis for every replica). */
  rateLimits: RateLimitStore;
  /** The built web UI (default: `dist/ui` of the package); absent or unbuilt means no UI is served. */
  uiDirectory?: string;
  /**
   * The engine services of this process (outbound requests, extraction threads, vectors), used by what
   * the server runs itself: document store previews and queries, attachment text. Absent: the server
   * builds plain ones (no outbound requests; parsing in this thread).
   */
  services?: EngineServices;
  /** Queue mode only: what `GET /api/v1/queue/status` reports (counts, workers, active jobs). */
  queueStatus?: QueueStatusSource;
  /** Mounts extra admin-only routes (the queue dashboard) under the given prefix. */
  adminPlugins?: Array<{ prefix: string; register: (app: FastifyInstance) => Promise<void> }>;
}
