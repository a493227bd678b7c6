import { BaseEdge, EdgeLabelRenderer, type EdgeProps, getBezierPath } from '@xyflow/react';
import { memo } from 'react';
import { useCanvas } from './store';

/** Flowise's `buttonedge`: a curve with a delete button in its middle. */
function ButtonEdgeImpl({ id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, selected }: EdgeProps) {
  const deleteElements = useCanvas((s) => s.deleteElements);
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, sourcePosition, targetX, targetY, targetPosition });
  return (
    <>
      <BaseEdge id={id} path={path} className={selected ? 'edge selected' : 'edge'} />
      <EdgeLabelRenderer>
        <button
          type="button"
          className="edge-delete nodrag nopan"
          aria-label="Delete edge"
          data-edge-id={id}
          style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
          onClick={() => deleteElements([], [id])}
        >
          ×
        </button>
      </EdgeLabelRenderer>
    </>
  );
}

export const ButtonEdge = memo(ButtonEdgeImpl);
