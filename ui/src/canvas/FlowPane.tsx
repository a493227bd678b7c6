import { Background, Controls, type Edge, type EdgeTypes, type FinalConnectionState, MiniMap, type Node, type NodeTypes, type OnEdgesChange, type OnNodesChange, ReactFlow, useReactFlow } from '@xyflow/react';
import { useTheme } from '../components/theme';
import { type DragEvent, type ReactNode, useEffect, useState } from 'react';
import { isValidConnection, refusalReason } from '../flow/connections';
import type { CatalogueNode } from '../flow/types';
import { ButtonEdge } from './ButtonEdge';
import { FlowNodeCard, StickyNoteCard } from './FlowNodeCard';
import { DRAG_TYPE } from './Palette';
import { useCanvas } from './store';
import { FIT_MAX_ZOOM } from './viewport';

// Defined once: React Flow re-mounts every node when these objects change identity.
const nodeTypes: NodeTypes = { customNode: FlowNodeCard, stickyNote: StickyNoteCard };
const edgeTypes: EdgeTypes = { buttonedge: ButtonEdge };
const fitViewOptions = { maxZoom: FIT_MAX_ZOOM, padding: 0.1 };

/** The link a finished drag tried to make (either end may be where it started). */
function attemptedLink(state: FinalConnectionState) {
  const { fromHandle, toHandle } = state;
  if (!fromHandle || !toHandle) return undefined;
  const [source, target] = fromHandle.type === 'source' ? [fromHandle, toHandle] : [toHandle, fromHandle];
  return { source: source.nodeId, sourceHandle: source.id ?? '', target: target.nodeId, targetHandle: target.id ?? '' };
}

/**
 * The React Flow pane: nodes and edges from the store, Flowise's connection rule (a refused drag says
 * why for a few seconds), drops from the palette, fit view capped at 100 %, zoom controls and minimap.
 */
export function FlowPane({ byName, children }: { byName: ReadonlyMap<string, CatalogueNode>; children?: ReactNode }) {
  const flow = useReactFlow();
  const nodes = useCanvas((s) => s.nodes);
  const edges = useCanvas((s) => s.edges);
  const [notice, setNotice] = useState('');
  const theme = useTheme((s) => s.theme);
  useEffect(() => {
    if (!notice) return;
    const id = setTimeout(() => setNotice(''), 6000);
    return () => clearTimeout(id);
  }, [notice]);

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    const def = byName.get(event.dataTransfer.getData(DRAG_TYPE));
    if (def) useCanvas.getState().addNode(def, flow.screenToFlowPosition({ x: event.clientX, y: event.clientY }));
  };
  const canvas = useCanvas.getState();

  return (
    <div className="canvas-area" onDrop={onDrop} onDragOver={(e) => (e.preventDefault(), (e.dataTransfer.dropEffect = 'move'))}>
      {children}
      {notice && (
        <p className="canvas-notice" role="alert">
          {notice}
        </p>
      )}
      <ReactFlow
        nodes={nodes as unknown as Node[]}
        edges={edges as Edge[]}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={canvas.onNodesChange as unknown as OnNodesChange}
        onEdgesChange={canvas.onEdgesChange as unknown as OnEdgesChange}
        onConnect={(c) => c.sourceHandle && c.targetHandle && canvas.connect({ source: c.source, target: c.target, sourceHandle: c.sourceHandle, targetHandle: c.targetHandle })}
        onConnectStart={() => setNotice('')}
        onConnectEnd={(_event, state) => {
          const link = state.isValid ? undefined : attemptedLink(state);
          const reason = link && refusalReason(useCanvas.getState(), link);
          if (reason) setNotice(`Not connected: ${reason}`);
        }}
        isValidConnection={(c) => isValidConnection(useCanvas.getState(), { source: c.source, target: c.target, sourceHandle: c.sourceHandle ?? '', targetHandle: c.targetHandle ?? '' })}
        onDelete={({ nodes: gone, edges: cut }) => canvas.deleteElements(gone.map((n) => n.id), cut.map((e) => e.id))}
        deleteKeyCode={['Delete', 'Backspace']}
        minZoom={0.1}
        fitViewOptions={fitViewOptions}
        onlyRenderVisibleElements
        colorMode={theme}
      >
        <Background gap={20} />
        <Controls fitViewOptions={fitViewOptions} />
        <MiniMap pannable zoomable ariaLabel="Minimap" />
      </ReactFlow>
    </div>
  );
}
