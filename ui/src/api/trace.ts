import { api } from './client';

/**
 * One node's part in a run, as the server's `node` events and `GET /api/v1/runs/:runId` (`trace`) carry
 * it (mirror of src/engine/events/run-event.ts). `durationMs` is the node's own time: its build plus the
 * LLM, tool, retriever and embedding calls made on what it built.
 */
export interface NodeTraceEntry {
  nodeId: string;
  label: string;
  name: string;
  status: 'running' | 'completed' | 'failed' | 'aborted';
  /** ISO-8601 UTC. */
  startedAt: string;
  durationMs?: number;
  error?: string;
  toolCalls?: Array<{ tool: string; toolInput: unknown; toolOutput: unknown }>;
}

/** A source document as answers carry them (Flowise's `{pageContent, metadata}`). */
export interface SourceDocument {
  pageContent: string;
  metadata?: Record<string, unknown>;
}

/** The request header that asks a prediction (or a run's event replay) for `node` events. */
export const TRACE_HEADERS = { 'X-Aim-Trace': 'true' };

/** The entries with `entry` in its node's place (a node's final entry replaces its `running` one), else appended. */
export function withEntry(entries: readonly NodeTraceEntry[], entry: NodeTraceEntry): NodeTraceEntry[] {
  const index = entries.findIndex((e) => e.nodeId === entry.nodeId);
  if (index === -1) return [...entries, entry];
  return entries.map((e, i) => (i === index ? entry : e));
}

export interface RunTrace {
  status: string;
  trace: NodeTraceEntry[];
  sourceDocuments: SourceDocument[];
}

/** A run's stored trace and the source documents of its answer. */
export async function fetchRunTrace(runId: string, signal?: AbortSignal): Promise<RunTrace> {
  const run = await api<{ status: string; trace?: NodeTraceEntry[]; result?: { sourceDocuments?: SourceDocument[] } | null }>('GET', `/runs/${encodeURIComponent(runId)}`, undefined, signal ? { signal } : {});
  return { status: run.status, trace: run.trace ?? [], sourceDocuments: run.result?.sourceDocuments ?? [] };
}

/** "850 ms", "2.4 s". */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '…';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10000 ? 1 : 0)} s`;
}
