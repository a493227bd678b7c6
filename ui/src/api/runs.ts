import { api } from './client';
import type { NodeTraceEntry } from './trace';

export type RunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'aborted';
export const RUN_STATUSES: RunStatus[] = ['queued', 'running', 'completed', 'failed', 'aborted'];

/** A run as `GET /api/v1/runs/:runId` shows it (and each entry of `GET /api/v1/runs`). */
export interface RunView {
  runId: string;
  chatflowId: string;
  chatId: string;
  sessionId: string;
  status: RunStatus;
  attempt: number;
  question: string | null;
  /** The prediction body: `text`, or `json` from an output parser. */
  result: { text?: string; json?: unknown } | null;
  error: string | null;
  errorCode: string | null;
  errorNodeId: string | null;
  createdDate: string;
  startedDate: string | null;
  finishedDate: string | null;
  queueWaitMs: number | null;
  runTimeMs: number | null;
  /** Only in the list (null once the chatflow is deleted). */
  chatflowName?: string | null;
  /** Absent until the server records traces. */
  trace?: NodeTraceEntry[];
}

export interface RunFilter {
  chatflowId?: string;
  status?: string;
  sessionId?: string;
  from?: string;
  to?: string;
  page: number;
  limit: number;
}

export function listRuns(filter: RunFilter, signal?: AbortSignal): Promise<{ data: RunView[]; total: number }> {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) if (value !== undefined && value !== '') query.set(key, String(value));
  return api('GET', `/runs?${query}`, undefined, signal ? { signal } : {});
}

export const getRun = (runId: string) => api<RunView>('GET', `/runs/${encodeURIComponent(runId)}`);

export const abortRun = (runId: string) => api<{ runId: string; aborted: boolean }>('POST', `/runs/${encodeURIComponent(runId)}/abort`);

export const isActive = (status: RunStatus) => status === 'queued' || status === 'running';

/** `1.2 s`, `340 ms`, `2 min 5 s`; an em dash when unknown. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
