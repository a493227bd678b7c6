import { useCanvas } from './store';

/** The nodes that need attention and why; picking one frames it on the canvas. */
export function ProblemsList({ onShow, onClose }: { onShow: (nodeId: string) => void; onClose: () => void }) {
  const problems = useCanvas((s) => s.problems);
  const nodes = useCanvas((s) => s.nodes);
  const entries = Object.entries(problems);
  return (
    <aside className="problems" aria-label="Nodes that need attention">
      <header>
        <h2>Needs attention</h2>
        <button type="button" className="icon" aria-label="Close the list" onClick={onClose}>
          ×
        </button>
      </header>
      {entries.length === 0 ? (
        <p className="empty">Nothing left to fix.</p>
      ) : (
        <ul>
          {entries.map(([nodeId, message]) => (
            <li key={nodeId}>
              <button type="button" onClick={() => onShow(nodeId)}>
                <strong>{nodes.find((n) => n.id === nodeId)?.data.label ?? nodeId}</strong> ({nodeId}): {message}
              </button>
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}
