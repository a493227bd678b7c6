import type { RunEvent } from '../../src/engine/events/run-event.js';
import { compileFlow } from '../../src/engine/graph/compile-flow.js';
import type { ChatTurn, EngineServices, RunContext } from '../../src/engine/nodes/node-definition.js';
import { type NodeRegistry, createNodeRegistry } from '../../src/engine/nodes/node-registry.js';
import { executeFlow } from '../../src/engine/run/execute-flow.js';
import { executeUpsert } from '../../src/engine/run/execute-upsert.js';
import { resolveUpsertPlan } from '../../src/engine/graph/upsert-plan.js';
import { NO_OVERRIDES, type OverrideSettings } from '../../src/engine/run/override-config.js';
import type { FlowJson } from '../fixtures/chatflows.js';

export const registry = createNodeRegistry();

/** Runs a flow through the engine alone: no server, no database (memory and credentials in maps). */
export async function runEngine(
  flow: FlowJson,
  options: {
    question: string;
    streaming?: boolean;
    history?: Record<string, ChatTurn[]>;
    credentials?: Record<string, Record<string, unknown>>;
    overrideConfig?: Record<string, unknown>;
    overrideSettings?: OverrideSettings;
    requestHistory?: ChatTurn[];
    signal?: AbortSignal;
    /** Another node set (e.g. with test-only tools). */
    registry?: NodeRegistry;
    /** Extra engine services (endpoints, summaries, the vector store, files, …). */
    services?: Partial<EngineServices>;
    chatflowId?: string;
  },
) {
  const { ctx, events } = engineContext(options);
  const plan = compileFlow(JSON.stringify(flow), options.registry ?? registry);
  const result = await executeFlow(plan, { overrideConfig: options.overrideConfig, overrideSettings: options.overrideSettings ?? NO_OVERRIDES }, ctx);
  return { result, events, plan };
}

type EngineOptions = Parameters<typeof runEngine>[1];

/** The run context and services the harness gives the engine: memory and credentials from maps. */
function engineContext(options: EngineOptions, runId = 'run-1') {
  const events: RunEvent[] = [];
  const services: EngineServices = {
    loadHistory: async (_flow, session) => options.history?.[session] ?? [],
    loadCredential: async (id) => {
      const credential = options.credentials?.[id];
      if (!credential) throw new Error(`no credential ${id}`);
      return credential;
    },
    llm: { maxRetries: 0 },
    ...options.services,
  };
  const ctx: RunContext = {
    runId,
    chatflowId: options.chatflowId ?? 'flow-1',
    chatId: 'chat-1',
    sessionId: 'chat-1',
    apiMessageId: 'msg-1',
    question: options.question,
    requestHistory: options.requestHistory ?? [],
    streaming: options.streaming ?? false,
    signal: options.signal ?? new AbortController().signal,
    sink: { emit: (event) => events.push(event) },
    services,
  };
  return { ctx, events };
}

/** Upserts a flow's vector store through the engine alone (stopNodeId as the API takes it). */
export async function upsertEngine(flow: FlowJson, options: EngineOptions & { stopNodeId?: string }) {
  const plan = resolveUpsertPlan(JSON.stringify(flow), options.registry ?? registry, options.stopNodeId);
  const { ctx } = engineContext({ ...options, question: '', streaming: false }, 'upsert-1');
  return executeUpsert(plan, { overrideConfig: options.overrideConfig, overrideSettings: options.overrideSettings ?? NO_OVERRIDES }, ctx);
}
