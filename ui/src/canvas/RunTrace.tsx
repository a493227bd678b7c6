import { useState } from 'react';
import { type NodeTraceEntry, type RunTrace as StoredTrace, type SourceDocument, fetchRunTrace, formatDuration } from '../api/trace';
import './trace.css';

const STATUS_TEXT: Record<NodeTraceEntry['status'], string> = { running: 'Running', completed: 'Completed', failed: 'Failed', aborted: 'Stopped' };

const asText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value, null, 2));

/** The node that took longest (the one that made the answer slow), if any finished. */
function slowestOf(trace: readonly NodeTraceEntry[]): NodeTraceEntry | undefined {
  let slowest: NodeTraceEntry | undefined;
  for (const entry of trace) if (entry.durationMs !== undefined && (!slowest || entry.durationMs > slowest.durationMs!)) slowest = entry;
  return slowest;
}

/**
 * Under an answer: which nodes ran and how long each took (its own time, with a bar proportional to the
 * slowest), status and error, the tools the agents called with input and output, and the source documents.
 * A stored answer (the chat reopened) has only its `runId`: its run's trace is read when the trace is opened.
 */
export function RunTrace({ trace: live, sourceDocuments: liveDocuments, runId }: { trace: readonly NodeTraceEntry[]; sourceDocuments: readonly SourceDocument[]; runId?: string }) {
  const [stored, setStored] = useState<StoredTrace>();
  const [error, setError] = useState('');
  const lazy = runId !== undefined && live.length === 0 && stored === undefined;
  const trace = stored?.trace ?? live;
  const sourceDocuments = stored && stored.sourceDocuments.length > 0 ? stored.sourceDocuments : liveDocuments;
  if (!lazy && trace.length === 0 && sourceDocuments.length === 0) return null;
  if (lazy) {
    return (
      <details
        className="run-trace"
        onToggle={(e) => {
          if (e.currentTarget.open && !error) fetchRunTrace(runId).then(setStored, (reason: unknown) => setError(reason instanceof Error ? reason.message : String(reason)));
        }}
      >
        <summary>Trace</summary>
        {error ? (
          <p className="trace-error" role="alert">
            The trace could not be loaded: {error}
          </p>
        ) : (
          <p role="status">Loading the trace…</p>
        )}
      </details>
    );
  }
  return <TraceDetails trace={trace} sourceDocuments={sourceDocuments} open={stored !== undefined} />;
}

function TraceDetails({ trace, sourceDocuments, open }: { trace: readonly NodeTraceEntry[]; sourceDocuments: readonly SourceDocument[]; open: boolean }) {
  const slowest = slowestOf(trace);
  const scale = Math.max(1, slowest?.durationMs ?? 0);
  const calls = trace.filter((e) => e.toolCalls && e.toolCalls.length > 0);
  const parts = [`${trace.length} node${trace.length === 1 ? '' : 's'}`];
  if (slowest) parts.push(`slowest: ${slowest.label} ${formatDuration(slowest.durationMs)}`);
  if (sourceDocuments.length > 0) parts.push(`${sourceDocuments.length} source document${sourceDocuments.length === 1 ? '' : 's'}`);
  return (
    <details className="run-trace" open={open || undefined}>
      <summary>Trace ({parts.join(', ')})</summary>
      {trace.length > 0 && (
        <table aria-label="Nodes of this run">
          <thead>
            <tr>
              <th scope="col">Node</th>
              <th scope="col">Status</th>
              <th scope="col">Time</th>
            </tr>
          </thead>
          <tbody>
            {trace.map((entry) => (
              <tr key={entry.nodeId} data-node-id={entry.nodeId} className={`${entry === slowest ? 'slowest' : ''}${entry.status === 'failed' ? ' failed' : ''}`}>
                <td>
                  {entry.label}
                  <div className="trace-bar" aria-hidden="true" style={{ width: `${((entry.durationMs ?? 0) / scale) * 100}%` }} />
                </td>
                <td>
                  {STATUS_TEXT[entry.status]}
                  {entry.error && <div className="trace-error">{entry.error}</div>}
                </td>
                <td>{formatDuration(entry.durationMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {calls.map((entry) => (
        <section key={entry.nodeId} aria-label={`Tools called by ${entry.label}`}>
          <h4>Tools called by {entry.label}</h4>
          {entry.toolCalls!.map((call, i) => (
            <div key={i} role="group" aria-label={`Tool call ${i + 1}: ${call.tool}`}>
              <strong>{call.tool}</strong>
              <div>Input</div>
              <pre>{asText(call.toolInput)}</pre>
              <div>Output</div>
              <pre>{asText(call.toolOutput)}</pre>
            </div>
          ))}
        </section>
      ))}
      {sourceDocuments.length > 0 && (
        <section aria-label="Source documents">
          <h4>Source documents</h4>
          <ol>
            {sourceDocuments.map((doc, i) => (
              <li key={i}>
                <pre>{doc.pageContent}</pre>
                {doc.metadata && Object.keys(doc.metadata).length > 0 && <small>{JSON.stringify(doc.metadata)}</small>}
              </li>
            ))}
          </ol>
        </section>
      )}
    </details>
  );
}
