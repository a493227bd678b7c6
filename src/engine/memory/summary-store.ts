/**
 * Where summary memories keep their running summary, so any process (a worker on another machine)
 * continues the same summary. A summary covers the first `coveredCount` stored messages of the session;
 * `coveredDigest` (a hash of those messages) tells whether they are still the same messages (none were
 * deleted), else the memory starts over.
 */
export interface SessionSummary {
  summary: string;
  coveredCount: number;
  coveredDigest: string;
}

/** One summary per chatflow, session and memory node. */
export interface SummaryKey {
  chatflowId: string;
  sessionId: string;
  nodeId: string;
}

export interface SummaryStore {
  get(key: SummaryKey): Promise<SessionSummary | undefined>;
  put(key: SummaryKey, summary: SessionSummary): Promise<void>;
}
