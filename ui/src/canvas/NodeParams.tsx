import { Handle, Position } from '@xyflow/react';
import { useContext } from 'react';
import type { NodeParam } from '../flow/types';
import { ParamInput } from './ParamInput';
import { useCanvas } from './store';
import { ViewedNodes } from './viewed-nodes';

/** A node's params as form fields (on the card, or in its Additional Parameters dialog). */
export function Params({ nodeId, params, handles = true }: { nodeId: string; params: NodeParam[]; handles?: boolean }) {
  // Read from the store (not props) so the card and the dialog see each other's edits at once.
  const stored = useCanvas((s) => s.nodes.find((n) => n.id === nodeId)?.data);
  // A version shown read-only has its own values (versions branch).
  const node = useContext(ViewedNodes)?.get(nodeId) ?? stored;
  const setInput = useCanvas((s) => s.setInput);
  if (!node) return null;
  return (
    <>
      {params.map((param) => (
        <div className="param-row" key={param.name}>
          {handles && param.acceptVariable && <Handle type="target" position={Position.Left} id={param.id!} className="handle" />}
          <ParamInput param={param} value={node.inputs[param.name]} node={{ name: node.name, inputs: node.inputs }} onChange={(value) => setInput(nodeId, param.name, value)} />
        </div>
      ))}
    </>
  );
}
