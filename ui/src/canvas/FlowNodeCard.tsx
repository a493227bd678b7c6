import { Handle, type NodeProps, Position, type ReactFlowState, useStore } from '@xyflow/react';
import { memo } from 'react';
import { activeOutputHandle } from '../flow/init-node';
import type { NodeData } from '../flow/types';
import { UNSUPPORTED_MESSAGE } from '../flow/validation';
import { CredentialPicker } from './CredentialPicker';
import { NodeIcon } from './NodeIcon';
import { Params } from './NodeParams';
import { RunBadge } from './RunBadge';
import { useCanvas } from './store';

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

/** True when the server does not run this node type (it is not in the catalogue). */
const useUnsupported = (name: string) => useCanvas((s) => s.known !== undefined && !s.known.has(name));

const cardClass = (base: string, problem: string | undefined, selected: boolean | undefined, unsupported: boolean) =>
  `${base}${problem ? ' has-problem' : ''}${selected ? ' selected' : ''}${unsupported ? ' unsupported' : ''}`;

function CompactCard({ id, data: rawData, selected }: NodeProps) {
  const data = rawData as NodeData;
  const problem = useCanvas((s) => s.problems[id]);
  const unsupported = useUnsupported(data.name);
  const inputs = [...data.inputAnchors, ...data.inputParams.filter((p) => p.acceptVariable)];
  return (
    <div className={cardClass('node-card compact', problem, selected, unsupported)}>
      <header>
        <NodeIcon name={data.name} size={28} />
        <span className="node-title">{data.label}</span>
        <RunBadge nodeId={id} />
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
  const unsupported = useUnsupported(data.name);
  const setNodeField = useCanvas((s) => s.setNodeField);
  const setOutput = useCanvas((s) => s.setOutput);
  const deleteElements = useCanvas((s) => s.deleteElements);
  const openNodeDialog = useCanvas((s) => s.openNodeDialog);
  const visible = data.inputParams.filter((p) => !p.hidden);
  const credential = visible.find((p) => p.type === 'credential');
  const shown = visible.filter((p) => p.type !== 'credential' && !p.additionalParams);
  const extra = visible.filter((p) => p.additionalParams);

  return (
    <div className={cardClass('node-card', problem, selected, unsupported)} data-problem={problem}>
      <header>
        <NodeIcon name={data.name} size={28} />
        <span className="node-title">{data.label}</span>
        <RunBadge nodeId={id} />
        <button type="button" className="icon nodrag" aria-label={`Delete ${data.label}`} onClick={() => deleteElements([id], [])}>
          ×
        </button>
      </header>
      {unsupported && (
        <p className="node-badge" role="note">
          {UNSUPPORTED_MESSAGE} ({data.name})
        </p>
      )}
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
        <CredentialPicker
          names={credential.credentialNames ?? []}
          optional={credential.optional}
          value={data.credential ?? ''}
          onChange={(value) => setNodeField(id, 'credential', value)}
          onCreate={() => openNodeDialog(id, 'credential')}
        />
      )}
      <Params nodeId={id} params={shown} />
      {extra.length > 0 && (
        <div className="param-row">
          {/* Variable anchors of dialog params live here, so their edges show while the dialog is closed. */}
          {extra.filter((p) => p.acceptVariable).map((p) => (
            <Handle key={p.name} type="target" position={Position.Left} id={p.id!} className="handle" />
          ))}
          <button type="button" className="nodrag extra" onClick={() => openNodeDialog(id, 'extra')}>
            Additional Parameters
          </button>
        </div>
      )}
      {data.outputAnchors.length > 0 && <h4>Output</h4>}
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
      {problem && problem !== `${UNSUPPORTED_MESSAGE}` && (
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
      <textarea className="nodrag nowheel" aria-label="Sticky note" rows={4} value={String(data.inputs.note ?? '')} placeholder="Type something here" onChange={(e) => setInput(id, 'note', e.target.value)} />
    </div>
  );
}

export const StickyNoteCard = memo(StickyNoteImpl);
