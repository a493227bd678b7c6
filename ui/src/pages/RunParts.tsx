import type { RunStatus } from '../api/runs';
import { formatDuration } from '../api/runs';
import type { NodeTraceEntry } from '../api/trace';

/** A run's (or a node's) status as a coloured word. */
export function StatusBadge({ status }: { status: RunStatus | NodeTraceEntry['status'] }) {
  return <span className={`run-status ${status}`}>{status}</span>;
}

const asText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value, null, 2));

/**
 * The nodes a run went through, in start order: status, start, duration, error, and for agents the
 * tools they called with input and output. Without entries: `emptyText` ("No trace recorded").
 */
export function TraceTable({ trace, emptyText = 'No trace recorded' }: { trace: NodeTraceEntry[] | undefined; emptyText?: string }) {
  if (!trace || trace.length === 0) return <p className="empty">{emptyText}</p>;
  return (
    <table className="list trace" aria-label="Node trace">
      <thead>
        <tr>
          <th>Node</th>
          <th>Status</th>
          <th>Started</th>
          <th>Duration</th>
          <th>Details</th>
        </tr>
      </thead>
      <tbody>
        {trace.map((entry) => (
          <tr key={`${entry.nodeId}-${entry.startedAt}`} data-node-id={entry.nodeId}>
            <td>
              <strong>{entry.label}</strong> <span className="hint">{entry.nodeId}</span>
            </td>
            <td>
              <StatusBadge status={entry.status} />
            </td>
            <td>{new Date(entry.startedAt).toLocaleTimeString()}</td>
            <td>{formatDuration(entry.durationMs)}</td>
            <td>
              {entry.error && <p className="error">{entry.error}</p>}
              {entry.toolCalls?.map((call, i) => (
                <details key={i}>
                  <summary>Tool {call.tool}</summary>
                  <p className="hint">Input</p>
                  <pre>{asText(call.toolInput)}</pre>
                  <p className="hint">Output</p>
                  <pre>{asText(call.toolOutput)}</pre>
                </details>
              ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
