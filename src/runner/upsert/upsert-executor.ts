import { z } from 'zod';
import { FlowValidationError } from '../../engine/errors.js';
import { resolveUpsertPlan } from '../../engine/graph/upsert-plan.js';
import type { EngineServices, RunContext } from '../../engine/nodes/node-definition.js';
import type { NodeRegistry } from '../../engine/nodes/node-registry.js';
import { executeUpsert } from '../../engine/run/execute-upsert.js';
import { parseOverrideSettings } from '../../engine/run/override-config.js';
import { type ErrorCode, errorMessage, isAppError, notFound } from '../../shared/app-error.js';
import type { Logger } from '../../shared/logger.js';
import { isDatabaseUnavailable } from '../../storage/database.js';
import type { Repositories } from '../../storage/repositories.js';
import type { UpsertJobRecord } from '../../storage/repositories/upsert-repository.js';
import { ChatflowVersions } from '../chatflow-versions.js';
import { docstoreJobOf, executeDocstoreJob } from '../docstore/docstore-job.js';
import { DocumentStoreProcessor, StoreDeletedError } from '../docstore/document-store-processor.js';

/** What an upsert job row holds as its request (read back from the database, so parsed). */
export const upsertInputSchema = z.object({
  stopNodeId: z.string().min(1).optional(),
  overrideConfig: z.record(z.string(), z.unknown()).optional(),
});
export type UpsertInput = z.infer<typeof upsertInputSchema>;

export interface UpsertExecutorDeps {
  repos: Repositories;
  registry: NodeRegistry;
  services: EngineServices;
  logger: Logger;
  /** A job claimed more often than this (its workers kept dying) fails instead of running again. */
  maxAttempts?: number;
  /**
   * How often (ms) a running job writes its heartbeat, so the reconciler (runner/reconciler.ts) can tell
   * a job whose process died from a long one. Absent: no heartbeat after the claim.
   */
  heartbeatMs?: number;
}

export type UpsertExecution = 'completed' | 'failed' | 'cancelled' | 'skipped' | 'superseded';

function classify(error: unknown): { message: string; code: ErrorCode } {
  if (isDatabaseUnavailable(error)) return { message: 'The database is unavailable; the upsert could not go on', code: 'DATABASE_UNAVAILABLE' };
  if (isAppError(error) && !(error.status >= 500 && error.code === 'INTERNAL')) return { message: error.message, code: error.code };
  return { message: 'Internal error while upserting', code: 'INTERNAL' };
}

/**
 * Runs one attempt of an upsert job: claims it, builds the vector store's ancestors and upserts, then
 * stores the counts, the added documents and a history row in one transaction. Main mode and
 * workers share it; a retried job (its worker died) finds its chunks by hash and adds no duplicate.
 */
export class UpsertExecutor {
  private readonly chatflows: ChatflowVersions;
  private readonly docstores: DocumentStoreProcessor;
  private readonly log: Logger;

  constructor(private readonly deps: UpsertExecutorDeps) {
    this.chatflows = new ChatflowVersions(deps.repos.chatflows, deps.repos.chatflowVersions, deps.logger);
    this.docstores = new DocumentStoreProcessor({ stores: deps.repos.documentStores, registry: deps.registry, services: deps.services });
    this.log = deps.logger.child({ module: 'upsert-executor' });
  }

  async execute(jobId: string, signal: AbortSignal): Promise<UpsertExecution> {
    const job = await this.deps.repos.upserts.claim(jobId);
    if (!job) return 'skipped';
    const { maxAttempts } = this.deps;
    if (maxAttempts !== undefined && job.attempt > maxAttempts) {
      const message = `The upsert was interrupted ${job.attempt - 1} times (its worker stopped or died); giving up`;
      return this.fail(job, { message, code: 'INTERNAL' });
    }
    const { heartbeatMs } = this.deps;
    const beat = heartbeatMs === undefined ? undefined : setInterval(() => this.heartbeat(job), heartbeatMs).unref();
    try {
      return await this.run(job, signal);
    } finally {
      clearInterval(beat);
    }
  }

  /** A missed heartbeat (the database busy or down) is harmless: the next one, or the job's end, follows. */
  private heartbeat(job: UpsertJobRecord): void {
    this.deps.repos.upserts.heartbeat(job.id, job.attempt).catch((error: unknown) => {
      this.log.debug({ upsertId: job.id, reason: errorMessage(error) }, 'could not write the upsert heartbeat');
    });
  }

  private async run(job: UpsertJobRecord, signal: AbortSignal): Promise<UpsertExecution> {
    try {
      // rag-files: document store jobs share the queue, its concurrency and its rows.
      const docstore = docstoreJobOf(job.input);
      if (docstore) {
        const outcome = await executeDocstoreJob(this.docstores, docstore, signal);
        const stored = await this.deps.repos.upserts.finish(job.id, job.attempt, { status: 'completed', ...outcome });
        this.log.info({ upsertId: job.id, storeId: docstore.storeId, ...outcome.result.indexed }, 'document store job done');
        return stored ? 'completed' : 'superseded';
      }
      const input = upsertInputSchema.parse(job.input);
      const chatflow = await this.chatflows.get(job.chatflowId, job.chatflowVersion);
      if (!chatflow) throw notFound('CHATFLOW_NOT_FOUND', 'Chatflow', job.chatflowId);
      const plan = resolveUpsertPlan(chatflow.flowData, this.deps.registry, input.stopNodeId);
      const ctx: RunContext = {
        runId: job.id,
        chatflowId: job.chatflowId,
        chatId: job.chatId,
        sessionId: job.chatId,
        apiMessageId: job.id,
        question: '',
        requestHistory: [],
        streaming: false,
        signal,
        sink: { emit: () => undefined },
        services: this.deps.services,
      };
      const overrideSettings = parseOverrideSettings(chatflow.apiConfig);
      const { result, flowData } = await executeUpsert(plan, { overrideConfig: input.overrideConfig, overrideSettings }, ctx);
      const { addedDocs, ...counts } = result;
      const stored = await this.deps.repos.upserts.finish(job.id, job.attempt, {
        status: 'completed',
        result: counts,
        addedDocs,
        history: { result: counts, flowData },
      });
      this.log.info({ upsertId: job.id, chatflowId: job.chatflowId, ...counts }, 'upsert done');
      return stored ? 'completed' : 'superseded';
    } catch (error) {
      if (signal.aborted && !(error instanceof FlowValidationError)) throw error;
      if (error instanceof StoreDeletedError) {
        this.log.info({ upsertId: job.id, reason: error.message }, 'document store job cancelled');
        const stored = await this.deps.repos.upserts.finish(job.id, job.attempt, { status: 'cancelled', error: error.message, errorCode: error.code });
        return stored ? 'cancelled' : 'superseded';
      }
      const failure = classify(error);
      if (failure.code === 'INTERNAL') this.log.error({ err: error, upsertId: job.id }, 'upsert failed');
      else this.log.warn({ upsertId: job.id, code: failure.code, reason: errorMessage(error) }, 'upsert failed');
      return this.fail(job, failure);
    }
  }

  private async fail(job: UpsertJobRecord, failure: { message: string; code: ErrorCode }): Promise<UpsertExecution> {
    const stored = await this.deps.repos.upserts.finish(job.id, job.attempt, { status: 'failed', error: failure.message, errorCode: failure.code });
    return stored ? 'failed' : 'superseded';
  }
}
