import { Handle, type NodeProps, Position, type ReactFlowState, useStore } from '@xyflow/react';
import { memo, useState } from 'react';
import { nodeIconUrl } from '../api/catalogue';
import { Dialog } from '../components/Dialog';
import { activeOutputHandle } from '../flow/init-node';
import type { NodeData, NodeParam } from '../flow/types';
import { CredentialPicker } from './CredentialPicker';
import { ParamInput } from './ParamInput';
import { useCanvas } from './store';

function Params({ nodeId, params }: { nodeId: string; params: NodeParam[] }) {
  // Read from the store (not props) so the Additional Parameters dialog sees edits at once.
  const inputs = useCanvas((s) => s.nodes.find((n) => n.id === nodeId)?.data.inputs);
  const setInput = useCanvas((s) => s.setInput);
  return (
    <>
      {params.map((param) => (
        <div className="param-row" key={param.name}>
          {param.acceptVariable && <Handle type="target" position={Position.Left} id={param.id!} className="handle" />}
          <ParamInput param={param} value={inputs?.[param.name]} onChange={(value) => setInput(nodeId, param.name, value)} />
        </div>
      ))}
    </>
  );
}

/** Below this zoom the forms are unreadable: cards show title and handles only (large flows stay fast). */
const COMPACT_ZOOM = 0.45;
const isCompact = (s: ReactFlowState) => s.transform[2] < COMPACT_ZOOM;

/** A node card with Flowise's anchors (left), params, and output handle (right). */
function FlowNodeCardImpl(props: NodeProps) {
  const compact = useStore(isCompact);
  return compact ? <CompactCard {...props} /> : <FullCard {...props} />;
}

function OutputHandles({ data }: { data: NodeData }) {
  return data.outputAnchors.map((anchor) => {
    const handle = activeOutputHandle(anchor, data.outputs);
    return handle ? <Handle key={anchor.name} type="source" position={Position.Right} id={handle} className="handle" /> : null;
  });
}

function CompactCard({ id, data: rawData, selected }: NodeProps) {
  const data = rawData as NodeData;
  const problem = useCanvas((s) => s.problems[id]);
  const inputs = [...data.inputAnchors, ...data.inputParams.filter((p) => p.acceptVariable)];
  return (
    <div className={`node-card compact${problem ? ' has-problem' : ''}${selected ? ' selected' : ''}`}>
      <header>
        <img src={nodeIconUrl(data.name)} alt="" width={28} height={28} />
        <span className="node-title">{data.label}</span>
      </header>
      {inputs.map((input) => (
        <div className="anchor-row" key={input.name}>
          <Handle type="target" position={Position.Left} id={input.id!} className="handle" />
          <span>{input.label}</span>
        </div>
      ))}
      <div className="anchor-row output">
        <OutputHandles data={data} />
      </div>
    </div>
  );
}

function FullCard({ id, data: rawData, selected }: NodeProps) {
  const data = rawData as NodeData;
  const problem = useCanvas((s) => s.problems[id]);
  const setNodeField = useCanvas((s) => s.setNodeField);
  const setOutput = useCanvas((s) => s.setOutput);
  const deleteElements = useCanvas((s) => s.deleteElements);
  const [extraOpen, setExtraOpen] = useState(false);
  const visible = data.inputParams.filter((p) => !p.hidden);
  const credential = visible.find((p) => p.type === 'credential');
  const shown = visible.filter((p) => p.type !== 'credential' && !p.additionalParams);
  const extra = visible.filter((p) => p.additionalParams);
  const unknown = data.inputAnchors.length === 0 && data.inputParams.length === 0 && data.outputAnchors.length === 0;

  return (
    <div className={`node-card${problem ? ' has-problem' : ''}${selected ? ' selected' : ''}`} data-problem={problem}>
      <header>
        <img src={nodeIconUrl(data.name)} alt="" width={28} height={28} />
        <span className="node-title">{data.label}</span>
        <button type="button" className="icon nodrag" aria-label={`Delete ${data.label}`} onClick={() => deleteElements([id], [])}>
          ×
        </button>
      </header>
      {unknown && <p className="node-warning">aimicromind does not run this node type ({data.name}).</p>}
      {data.inputAnchors.length > 0 && <h4>Inputs</h4>}
      {data.inputAnchors.map((anchor) => (
        <div className="anchor-row" key={anchor.name}>
          <Handle type="target" position={Position.Left} id={anchor.id!} className="handle" />
          <span title={anchor.description}>
            {anchor.label}
            {anchor.optional ? '' : ' *'}
          </span>
        </div>
      ))}
      {credential && (
        <CredentialPicker names={credential.credentialNames ?? []} optional={credential.optional} value={data.credential ?? ''} onChange={(value) => setNodeField(id, 'credential', value)} />
      )}
      <Params nodeId={id} params={shown} />
      {extra.length > 0 && (
        <button type="button" className="nodrag extra" onClick={() => setExtraOpen(true)}>
          Additional Parameters
        </button>
      )}
      {extraOpen && (
        <Dialog title={`${data.label}: Additional Parameters`} open onClose={() => setExtraOpen(false)}>
          <div className="form">
            <Params nodeId={id} params={extra} />
          </div>
        </Dialog>
      )}
      <h4>Output</h4>
      {data.outputAnchors.map((anchor) => {
        const handle = activeOutputHandle(anchor, data.outputs);
        return (
          <div className="anchor-row output" key={anchor.name}>
            {anchor.options ? (
              <select className="nodrag" aria-label={`${data.label} output`} value={String(data.outputs[anchor.name] ?? anchor.default)} onChange={(e) => setOutput(id, e.target.value)}>
                {anchor.options.map((o) => (
                  <option key={o.name} value={o.name}>
                    {o.label}
                  </option>
                ))}
              </select>
            ) : (
              <span title={anchor.type}>{anchor.label}</span>
            )}
            {handle && <Handle type="source" position={Position.Right} id={handle} className="handle" />}
          </div>
        );
      })}
      {problem && (
        <p className="node-problem" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}

export const FlowNodeCard = memo(FlowNodeCardImpl);

/** A sticky note: free text on the canvas, ignored by the engine. */
function StickyNoteImpl({ id, data: rawData }: NodeProps) {
  const data = rawData as NodeData;
  const setInput = useCanvas((s) => s.setInput);
  const deleteElements = useCanvas((s) => s.deleteElements);
  return (
    <div className="sticky-note">
      <button type="button" className="icon nodrag" aria-label="Delete sticky note" onClick={() => deleteElements([id], [])}>
        ×
      </button>
      <textarea className="nodrag" aria-label="Sticky note" rows={4} value={String(data.inputs.note ?? '')} placeholder="Type something here" onChange={(e) => setInput(id, 'note', e.target.value)} />
    </div>
  );
}

export const StickyNoteCard = memo(StickyNoteImpl);
