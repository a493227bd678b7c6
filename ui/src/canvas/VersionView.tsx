import { Background, Controls, type Edge, MiniMap, type Node, type NodeTypes, ReactFlow, ReactFlowProvider } from '@xyflow/react';
import { useMemo } from 'react';
import type { Version } from '../api/versions';
import { loadFlow } from '../flow/flow-data';
import { arrange } from '../flow/layout';
import type { CatalogueNode } from '../flow/types';
import { FlowNodeCard, StickyNoteCard } from './FlowNodeCard';
import { ViewedNodes } from './viewed-nodes';
import { FIT_MAX_ZOOM } from './viewport';
import './versions.css';

const nodeTypes: NodeTypes = { customNode: FlowNodeCard, stickyNote: StickyNoteCard };
const fitViewOptions = { maxZoom: FIT_MAX_ZOOM, padding: 0.1 };

/**
 * A saved version's graph, read-only: its own React Flow (the editor's store, history and draft stay
 * untouched), nothing draggable, connectable or selectable, and every form control of the node cards
 * disabled by the enclosing disabled <fieldset>. Pan and zoom still work.
 */
export function VersionView({ version, byName, onBack }: { version: Version; byName: ReadonlyMap<string, CatalogueNode>; onBack: () => void }) {
  const { nodes, edges } = useMemo(() => {
    try {
      const loaded = loadFlow(version.flowData, byName);
      // Plain curves: the editor's edges carry a delete button.
      return { nodes: loaded.needsLayout ? arrange(loaded.nodes, loaded.edges) : loaded.nodes, edges: loaded.edges.map(({ type: _type, ...edge }) => edge) };
    } catch {
      return { nodes: [], edges: [] };
    }
  }, [version, byName]);
  const viewed = useMemo(() => new Map(nodes.map((node) => [node.id, node.data])), [nodes]);
  return (
    <div className="canvas-area version-view">
      <p className="version-banner" role="status">
        <strong>
          Viewing version {version.n}
          {version.current ? ' (current)' : ''} — read-only
        </strong>
        <button type="button" onClick={onBack}>
          Back to current flow
        </button>
      </p>
      <ReactFlowProvider>
        <ViewedNodes.Provider value={viewed}>
          <fieldset disabled aria-label={`Version ${version.n} (read-only)`}>
            <ReactFlow
              nodes={nodes as unknown as Node[]}
              edges={edges as Edge[]}
              nodeTypes={nodeTypes}
              nodesDraggable={false}
              nodesConnectable={false}
              elementsSelectable={false}
              deleteKeyCode={null}
              minZoom={0.1}
              fitView
              fitViewOptions={fitViewOptions}
            >
              <Background gap={20} />
              <MiniMap pannable zoomable ariaLabel="Minimap" />
            </ReactFlow>
          </fieldset>
        </ViewedNodes.Provider>
        {/* Outside the disabled fieldset, so the zoom buttons stay usable. */}
        <Controls fitViewOptions={fitViewOptions} showInteractive={false} />
      </ReactFlowProvider>
    </div>
  );
}
