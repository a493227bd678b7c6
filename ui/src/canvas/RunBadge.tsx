import { formatDuration } from '../api/trace';
import { useRunMarks } from './run-marks';
import './trace.css';

const STATUS_TEXT = { running: 'running', completed: 'ran', failed: 'failed', aborted: 'stopped' } as const;

/** A node card's mark from the last test-chat run: status and the node's own time; the error on a failed node. */
export function RunBadge({ nodeId }: { nodeId: string }) {
  const entry = useRunMarks((s) => s.byNode[nodeId]);
  if (!entry) return null;
  const text = `${STATUS_TEXT[entry.status]}${entry.status === 'running' ? '' : ` ${formatDuration(entry.durationMs)}`}`;
  return (
    <span className={`run-badge run-${entry.status}`} role="status" aria-label={`Last run: ${text}${entry.error ? `: ${entry.error}` : ''}`} title={entry.error ?? `Last run: ${text}`} data-run-status={entry.status}>
      {text}
    </span>
  );
}
