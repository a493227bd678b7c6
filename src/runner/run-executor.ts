import { randomUUID } from 'node:crypto';
import type { FlowResult, NodeTraceEntry } from '../engine/events/run-event.js';
import { RunAbortedError, RunTimeoutError } from '../engine/errors.js';
import { executeFlow } from '../engine/run/execute-flow.js';
import { NodeTracer } from '../engine/run/node-tracer.js';
import { parseOverrideSettings } from '../engine/run/override-config.js';
import type { EngineServices, RunContext } from '../engine/nodes/node-definition.js';
import { type ErrorCode, errorMessage, isAppError, notFound } from '../shared/app-error.js';
import type { Logger } from '../shared/logger.js';
import type { Metrics } from '../shared/metrics.js';
import { isDatabaseUnavailable } from '../storage/database.js';
import type { Repositories } from '../storage/repositories.js';
import type { NewChatMessage } from '../storage/repositories/chat-message-repository.js';
import { ACTIVE_STATUSES, type RunRecord, type TerminalRunStatus } from '../storage/repositories/run-repository.js';
import { ChatflowVersions } from './chatflow-versions.js';
import { FollowUpPrompts, parseFollowUpConfig } from './follow-up-prompts.js';
import type { PlanCache } from './plan-cache.js';
import { answerContent, predictionResponse, runMetadata } from './prediction-response.js';
import type { RunEventWriter } from './run-events.js';
import { RunRequeuedError } from './requeue-error.js';
import { type RunInput, runInputSchema } from './run-input.js';

export type ExecutionStatus = TerminalRunStatus | 'skipped' | 'superseded';

export interface ExecutionReport {
  status: ExecutionStatus;
  attempt: number;
  /** ms from the run's creation (request) to its end. */
  latencyMs?: number;
  failureCode?: ErrorCode;
}

export interface RunExecutorDeps {
  repos: Repositories;
  plans: PlanCache;
  services: EngineServices;
  predictionTimeoutMs: number;
  /** How long follow-up prompts may take after the answer (ms); default 10 s. */
  followUpTimeoutMs?: number;
  logger: Logger;
  metrics?: Metrics;
  /** A run claimed more often than this (its workers kept dying) fails instead of running again. */
  maxAttempts?: number;
}

interface Failure {
  status: 'failed' | 'aborted';
  message: string;
  code: ErrorCode;
  /** The node of the flow the failure is about (an invalid flow found while running). */
  nodeId?: string;
}

function classify(error: unknown): Failure {
  if (error instanceof RunAbortedError) return { status: 'aborted', message: error.message, code: error.code };
  if (isDatabaseUnavailable(error)) {
    return { status: 'failed', message: 'The database is unavailable; the run could not go on', code: 'DATABASE_UNAVAILABLE' };
  }
  if (isAppError(error)) {
    // 5xx bodies hide internals, except for errors whose message we wrote for the user.
    const message = error.status >= 500 && error.code === 'INTERNAL' ? 'Internal error while running the flow' : error.message;
    const nodeId = error.nodeId;
    return { status: 'failed', message, code: error.code, ...(nodeId ? { nodeId } : {}) };
  }
  return { status: 'failed', message: 'Internal error while running the flow', code: 'INTERNAL' };
}

/** The nodes' final entries, before the terminal events (so a reader has the trace when the stream ends). */
function emitTrace(events: RunEventWriter, trace: NodeTraceEntry[]): void {
  for (const entry of trace) events.emit({ event: 'node', data: entry });
}

/**
 * Runs one attempt of a run: claims it, runs the engine, stores the messages and the result, and ends
 * the event stream with exactly one terminal event. Used by the in-process runner and by workers alike.
 */
export class RunExecutor {
  private readonly log: Logger;
  private readonly chatflows: ChatflowVersions;
  private readonly followUps: FollowUpPrompts;

  constructor(private readonly deps: RunExecutorDeps) {
    this.log = deps.logger.child({ module: 'run-executor' });
    this.chatflows = new ChatflowVersions(deps.repos.chatflows, deps.repos.chatflowVersions, deps.logger);
    this.followUps = new FollowUpPrompts(deps.plans.registry, deps.services, this.log, deps.followUpTimeoutMs ?? 10_000);
  }

  /** Runs a run; `claimed` is the row when the caller stored it already running (in-process runs). */
  async execute(runId: string, events: RunEventWriter, signal: AbortSignal, claimed?: RunRecord): Promise<ExecutionReport> {
    const run = claimed ?? (await this.deps.repos.runs.claim(runId));
    if (!run) return this.unclaimed(runId, events);
    events.describeRun(run);
    if (run.attempt > 1) events.emit({ event: 'restart', data: `attempt ${run.attempt}` });
    const maxAttempts = this.deps.maxAttempts;
    if (maxAttempts !== undefined && run.attempt > maxAttempts) {
      const message = `The run was interrupted ${run.attempt - 1} times (its worker stopped or died); giving up`;
      return this.fail(run, { status: 'failed', message, code: 'INTERNAL' }, events);
    }

    const controller = new AbortController();
    const onAbort = () => controller.abort(signal.reason ?? new RunAbortedError());
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    const remaining = Date.parse(run.createdDate) + this.deps.predictionTimeoutMs - Date.now();
    const timer = setTimeout(() => controller.abort(new RunTimeoutError(this.deps.predictionTimeoutMs)), Math.max(0, remaining));

    const startedAt = performance.now();
    try {
      const report = await this.attempt(run, events, controller.signal);
      this.observe(report, (performance.now() - startedAt) / 1000);
      return report;
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  }

  private observe(report: ExecutionReport, seconds: number): void {
    const metrics = this.deps.metrics;
    if (!metrics) return;
    if (report.attempt > 1) metrics.runRetries.inc();
    metrics.runDuration.observe({ status: report.status }, seconds);
    if (report.latencyMs !== undefined) metrics.runLatency.observe({ status: report.status }, report.latencyMs / 1000);
    if (report.failureCode) metrics.runFailures.inc({ code: report.failureCode });
  }

  /** Not claimable: already ended (nothing to do), or an abort was requested before it started. */
  private async unclaimed(runId: string, events: RunEventWriter): Promise<ExecutionReport> {
    const run = await this.deps.repos.runs.get(runId);
    if (!run || !run.cancelRequested || !ACTIVE_STATUSES.includes(run.status)) {
      return { status: 'skipped', attempt: run?.attempt ?? 0 };
    }
    events.describeRun(run);
    return this.fail(run, { status: 'aborted', message: 'Run aborted', code: 'RUN_ABORTED' }, events, false);
  }

  private async attempt(run: RunRecord, events: RunEventWriter, signal: AbortSignal): Promise<ExecutionReport> {
    // Streaming runs announce each node as it starts; every run emits (and stores) the final entries.
    const trace = new NodeTracer(events, { announce: run.streaming });
    try {
      const input = runInputSchema.parse(run.input);
      const chatflow = await this.chatflows.get(run.chatflowId, run.chatflowVersion);
      if (!chatflow) throw notFound('CHATFLOW_NOT_FOUND', 'Chatflow', run.chatflowId);
      const plan = this.deps.plans.get(chatflow.id, chatflow.flowData);
      const memoryType = plan.memoryNode?.label;
      const ctx: RunContext = {
        runId: run.id,
        chatflowId: run.chatflowId,
        chatId: run.chatId,
        sessionId: run.sessionId,
        apiMessageId: run.apiMessageId,
        question: input.question,
        requestHistory: input.history,
        ...(input.uploads ? { uploads: input.uploads } : {}),
        streaming: run.streaming,
        signal,
        sink: events,
        services: this.deps.services,
        trace,
      };
      const result = await executeFlow(
        plan,
        {
          overrideConfig: input.overrideConfig,
          overrideSettings: parseOverrideSettings(chatflow.apiConfig),
          fileAttachment: input.fileAttachment,
        },
        ctx,
      );
      // Flowise: generated after the answer with the chatflow's chosen provider, sent in the result and the metadata.
      const finished = trace.finish({ status: 'completed' });
      const followUp = parseFollowUpConfig(chatflow.followUpPrompts);
      const questions = followUp ? await this.followUps.generate(followUp, answerContent(result), chatflow.id, signal) : undefined;
      return await this.complete(run, input, questions ? { ...result, followUpPrompts: JSON.stringify(questions) } : result, memoryType, events, finished);
    } catch (error) {
      // Shutdown deadline: leave the run to the next worker rather than ending it.
      if (signal.reason instanceof RunRequeuedError) throw signal.reason;
      const failure = classify(error);
      if (failure.code === 'INTERNAL') this.log.error({ err: error, runId: run.id }, 'run failed');
      else this.log.warn({ runId: run.id, code: failure.code, reason: errorMessage(error) }, 'run failed');
      const outcome = failure.status === 'aborted' ? { status: failure.status } : { status: failure.status, error: failure.message, nodeId: failure.nodeId };
      return this.fail(run, failure, events, true, trace.finish(outcome));
    }
  }

  private async complete(
    run: RunRecord,
    input: RunInput,
    result: FlowResult,
    memoryType: string | undefined,
    events: RunEventWriter,
    trace: NodeTraceEntry[],
  ): Promise<ExecutionReport> {
    const base = {
      chatflowid: run.chatflowId,
      chatType: input.chatType ?? 'EXTERNAL',
      chatId: run.chatId,
      sessionId: run.sessionId,
      ...(memoryType ? { memoryType } : {}),
      runId: run.id,
    };
    const askedAt = run.createdDate;
    let answeredAt = new Date().toISOString();
    if (answeredAt <= askedAt) answeredAt = new Date(Date.parse(askedAt) + 1).toISOString();
    const messages: NewChatMessage[] = [
      {
        ...base,
        id: randomUUID(),
        role: 'userMessage',
        content: input.question,
        createdDate: askedAt,
        ...(input.uploads ? { fileUploads: input.uploads } : {}),
        ...(input.leadEmail ? { leadEmail: input.leadEmail } : {}),
      },
      {
        ...base,
        id: run.apiMessageId,
        role: 'apiMessage',
        content: answerContent(result),
        createdDate: answeredAt,
        ...(result.sourceDocuments ? { sourceDocuments: result.sourceDocuments } : {}),
        ...(result.usedTools ? { usedTools: result.usedTools } : {}),
        ...(result.artifacts ? { artifacts: result.artifacts } : {}),
        ...(result.followUpPrompts ? { followUpPrompts: result.followUpPrompts } : {}),
      },
    ];
    const response = predictionResponse(run, input.question, result, memoryType);
    const stored = await this.deps.repos.runs.finish(run.id, { status: 'completed', result: response, trace }, messages, run.attempt);
    // Another attempt took over, or the run was aborted meanwhile: that side ends the stream.
    if (!stored) return { status: 'superseded', attempt: run.attempt };
    emitTrace(events, trace);
    events.emit({ event: 'result', data: result });
    events.emit({ event: 'metadata', data: runMetadata(run, memoryType, result.followUpPrompts) });
    events.emit({ event: 'end', data: '[DONE]' });
    return { status: 'completed', attempt: run.attempt, latencyMs: Date.now() - Date.parse(run.createdDate) };
  }

  private async fail(run: RunRecord, failure: Failure, events: RunEventWriter, fenced = true, trace: NodeTraceEntry[] = []): Promise<ExecutionReport> {
    const outcome = { status: failure.status, error: failure.message, errorCode: failure.code, ...(failure.nodeId ? { errorNodeId: failure.nodeId } : {}), trace };
    const stored = await this.deps.repos.runs.finish(run.id, outcome, [], fenced ? run.attempt : undefined);
    if (!stored) return { status: 'superseded', attempt: run.attempt };
    emitTrace(events, trace);
    if (failure.status === 'aborted') events.emit({ event: 'abort', data: '[DONE]' });
    else events.emit({ event: 'error', data: failure.message, code: failure.code, ...(failure.nodeId ? { nodeId: failure.nodeId } : {}) });
    events.emit({ event: 'end', data: '[DONE]' });
    return {
      status: failure.status,
      attempt: run.attempt,
      latencyMs: Date.now() - Date.parse(run.createdDate),
      ...(failure.status === 'failed' ? { failureCode: failure.code } : {}),
    };
  }
}
