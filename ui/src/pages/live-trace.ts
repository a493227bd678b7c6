import { useEffect, useState } from 'react';
import { apiFetch } from '../api/client';
import { type NodeTraceEntry, withEntry } from '../api/trace';
import { type RunEvent, streamPrediction } from '../flow/run-stream';

/**
 * The `node` events of a run in progress, read from its event stream (`GET /api/v1/runs/:runId/events?trace=true`,
 * from the start): each node as it starts (`running`, streaming runs only) and as it ends; a dropped stream
 * leaves the list as it was. A `restart` (another worker took the run over) empties the list, as the new attempt runs the flow again.
 * Read only while `active`; the stored trace (`GET /api/v1/runs/:runId`) is the one to show once the run ended.
 */
export function useLiveTrace(runId: string, active: boolean): NodeTraceEntry[] {
  const [entries, setEntries] = useState<NodeTraceEntry[]>([]);
  useEffect(() => {
    if (!active) return;
    const controller = new AbortController();
    setEntries([]);
    const onEvent = (e: RunEvent) => {
      if (e.event === 'restart') setEntries([]);
      else if (e.event === 'node' && typeof e.data === 'object' && e.data) setEntries((all) => withEntry(all, e.data as NodeTraceEntry));
    };
    const path = `/runs/${encodeURIComponent(runId)}/events?trace=true`;
    streamPrediction(
      ({ lastEventId, signal }) => apiFetch('GET', path, undefined, { signal, headers: lastEventId ? { 'Last-Event-ID': lastEventId } : {} }),
      onEvent,
      controller.signal,
    ).catch(() => undefined); // The page's own refresh still shows the run's status; the live trace is extra.
    return () => controller.abort();
  }, [runId, active]);
  return entries;
}
