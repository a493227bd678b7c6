import { type EdgeChange, type NodeChange, applyEdgeChanges, applyNodeChanges } from '@xyflow/react';
import { create } from 'zustand';
import { type Clip, pasteClip } from '../flow/clipboard';
import { type Graph, type Link, connect, disconnect, removeNodes } from '../flow/connections';
import type { EditorNode } from '../flow/flow-data';
import { uniqueNodeId } from '../flow/handle-ids';
import { History } from '../flow/history';
import { initNode } from '../flow/init-node';
import { arrange } from '../flow/layout';
import type { CatalogueNode, FlowEdge, XY } from '../flow/types';

type Snapshot = Graph & { nodes: EditorNode[] };

export interface CanvasState {
  nodes: EditorNode[];
  edges: FlowEdge[];
  dirty: boolean;
  /** Problems to outline, by node id (server errors and the client's own checks). */
  problems: Record<string, string>;
  canUndo: boolean;
  canRedo: boolean;
  /** Replaces the whole canvas (load, reload); clears history. */
  reset(nodes: EditorNode[], edges: FlowEdge[]): void;
  markSaved(): void;
  onNodesChange(changes: NodeChange<EditorNode>[]): void;
  onEdgesChange(changes: EdgeChange<FlowEdge>[]): void;
  connect(link: Link): void;
  addNode(def: CatalogueNode, position: XY): string;
  deleteElements(nodeIds: string[], edgeIds: string[]): void;
  setInput(nodeId: string, name: string, value: unknown): void;
  setNodeField(nodeId: string, field: 'credential' | 'label', value: string): void;
  setOutput(nodeId: string, value: string): void;
  paste(clip: Clip): void;
  /** Replaces the canvas as one undoable step (loading a Flowise file into the open chatflow). */
  replace(nodes: EditorNode[], edges: FlowEdge[]): void;
  arrange(): void;
  setProblems(problems: Record<string, string>): void;
  undo(): void;
  redo(): void;
}

const history = new History<Snapshot>();

export const useCanvas = create<CanvasState>((set, get) => {
  /** Records the current state as an undo step, then applies a change to the graph. */
  const change = (apply: (graph: Snapshot) => Snapshot, group?: string) => {
    const { nodes, edges } = get();
    history.record({ nodes, edges }, group);
    const next = apply({ nodes, edges });
    set({ ...next, dirty: true, canUndo: history.canUndo, canRedo: history.canRedo });
  };
  const updateNode = (nodeId: string, update: (node: EditorNode) => EditorNode, group?: string) =>
    change((g) => ({ ...g, nodes: g.nodes.map((n) => (n.id === nodeId ? update(n) : n)) }), group);

  return {
    nodes: [],
    edges: [],
    dirty: false,
    problems: {},
    canUndo: false,
    canRedo: false,
    reset(nodes, edges) {
      history.clear();
      set({ nodes, edges, dirty: false, problems: {}, canUndo: false, canRedo: false });
    },
    markSaved: () => set({ dirty: false }),
    onNodesChange(changes) {
      // Removals go through deleteElements (one undo step for nodes and their edges).
      const kept = changes.filter((c) => c.type !== 'remove');
      const moving = kept.filter((c) => c.type === 'position');
      if (moving.length > 0) {
        const ids = moving.map((c) => c.id).join(',');
        change((g) => ({ ...g, nodes: applyNodeChanges(kept, g.nodes) }), `move:${ids}`);
        if (moving.every((c) => c.type === 'position' && !c.dragging)) history.seal();
        return;
      }
      set({ nodes: applyNodeChanges(kept, get().nodes) });
    },
    onEdgesChange(changes) {
      const kept = changes.filter((c) => c.type !== 'remove');
      if (kept.length > 0) set({ edges: applyEdgeChanges(kept, get().edges) });
    },
    connect(link) {
      change((g) => connect(g, link) as Snapshot);
    },
    addNode(def, position) {
      const id = uniqueNodeId(def.name, get().nodes.map((n) => n.id));
      change((g) => ({ ...g, nodes: [...g.nodes, initNode(def, id, position) as EditorNode] }));
      return id;
    },
    deleteElements(nodeIds, edgeIds) {
      if (nodeIds.length === 0 && edgeIds.length === 0) return;
      change((g) => removeNodes(disconnect(g, edgeIds), nodeIds) as Snapshot);
    },
    setInput(nodeId, name, value) {
      updateNode(nodeId, (n) => ({ ...n, data: { ...n.data, inputs: { ...n.data.inputs, [name]: value } } }), `input:${nodeId}:${name}`);
    },
    setNodeField(nodeId, field, value) {
      updateNode(nodeId, (n) => ({ ...n, data: { ...n.data, [field]: value } }), `${field}:${nodeId}`);
    },
    setOutput(nodeId, value) {
      // The handle changes with the output: edges from the old one no longer apply.
      const { edges } = get();
      const stale = edges.filter((e) => e.source === nodeId).map((e) => e.id);
      change((g) => {
        const cleared = disconnect(g, stale) as Snapshot;
        return { ...cleared, nodes: cleared.nodes.map((n) => (n.id === nodeId ? { ...n, data: { ...n.data, outputs: { ...n.data.outputs, output: value } } } : n)) };
      });
    },
    paste(clip) {
      change((g) => {
        const pasted = pasteClip(clip, g.nodes);
        return { nodes: [...g.nodes.map((n) => ({ ...n, selected: false })), ...pasted.nodes], edges: [...g.edges, ...pasted.edges] };
      });
    },
    replace(nodes, edges) {
      change(() => ({ nodes, edges }));
    },
    arrange() {
      change((g) => ({ ...g, nodes: arrange(g.nodes, g.edges) }));
    },
    setProblems: (problems) => set({ problems }),
    undo() {
      const { nodes, edges } = get();
      const previous = history.undo({ nodes, edges });
      if (previous) set({ ...previous, dirty: true, canUndo: history.canUndo, canRedo: history.canRedo });
    },
    redo() {
      const { nodes, edges } = get();
      const next = history.redo({ nodes, edges });
      if (next) set({ ...next, dirty: true, canUndo: history.canUndo, canRedo: history.canRedo });
    },
  };
});
