/**
 * One node of a run's trace (coordination contract of issue 8: the engine's `node` run event and the
 * `trace` field of `GET /api/v1/runs/:runId`; mirrors `src/engine/events/run-event.ts`).
 */
export interface NodeTraceEntry {
  nodeId: string;
  label: string;
  name: string;
  status: 'running' | 'completed' | 'failed' | 'aborted';
  /** ISO-8601 UTC. */
  startedAt: string;
  /** Set when status is not 'running'. */
  durationMs?: number;
  error?: string;
  /** Agents: the tools this node called. */
  toolCalls?: Array<{ tool: string; toolInput: unknown; toolOutput: unknown }>;
}
