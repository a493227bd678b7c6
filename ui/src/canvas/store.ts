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
import { type ReportedProblem, liveProblems } from '../flow/validation';

type Snapshot = Graph & { nodes: EditorNode[] };

export interface CanvasState {
  nodes: EditorNode[];
  edges: FlowEdge[];
  dirty: boolean;
  /** Problems to outline, by node id: recomputed on every change (validation.ts `liveProblems`). */
  problems: Record<string, string>;
  /** Problems the server named, each kept until its node changes. */
  reported: Record<string, ReportedProblem>;
  /** The client's checks of required inputs run once the user saved (before, a new node is not "wrong"). */
  checked: boolean;
  /** Node names the server runs; others are flagged as unsupported. */
  known: ReadonlySet<string> | undefined;
  /** Stored credentials' ids, when fetched; a node pointing elsewhere lost its credential. */
  credentialIds: ReadonlySet<string> | undefined;
  /** The node dialog open over the canvas (kept here, so compact cards never unmount it). */
  nodeDialog: { nodeId: string; kind: 'extra' | 'credential' } | undefined;
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
  /** Pastes a copy with new ids, moved by `offset`. */
  paste(clip: Clip, offset: XY): void;
  selectAll(): void;
  openNodeDialog(nodeId: string, kind: 'extra' | 'credential'): void;
  closeNodeDialog(): void;
  /** Replaces the canvas as one undoable step (loading a Flowise file into the open chatflow). */
  replace(nodes: EditorNode[], edges: FlowEdge[]): void;
  arrange(): void;
  /** Runs the client's checks from now on (Save does), with what is known of the server. */
  check(context: { credentialIds?: ReadonlySet<string> }): void;
  setKnown(names: ReadonlySet<string>): void;
  setCredentialIds(ids: ReadonlySet<string>): void;
  /** A problem the server reported about a node (kept until that node changes). */
  report(nodeId: string, message: string): void;
  undo(): void;
  redo(): void;
}

const history = new History<Snapshot>();

const problemsOf = (s: CanvasState) =>
  liveProblems(s.nodes, { checked: s.checked, reported: s.reported, ...(s.known ? { known: s.known } : {}), ...(s.credentialIds ? { credentialIds: s.credentialIds } : {}) });

export const useCanvas = create<CanvasState>((rawSet, get) => {
  /** Every update goes through here: when nodes or the checking context change, problems follow. */
  const set = (partial: Partial<CanvasState>) => {
    const next = { ...get(), ...partial };
    const touched = 'nodes' in partial || 'reported' in partial || 'checked' in partial || 'known' in partial || 'credentialIds' in partial;
    rawSet(touched ? { ...partial, problems: problemsOf(next) } : partial);
  };
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
    reported: {},
    checked: false,
    known: undefined,
    credentialIds: undefined,
    nodeDialog: undefined,
    canUndo: false,
    canRedo: false,
    reset(nodes, edges) {
      history.clear();
      set({ nodes, edges, nodeDialog: undefined, dirty: false, reported: {}, checked: false, canUndo: false, canRedo: false });
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
    paste(clip, offset) {
      change((g) => {
        const pasted = pasteClip(clip, g.nodes, offset);
        return { nodes: [...g.nodes.map((n) => ({ ...n, selected: false })), ...pasted.nodes], edges: [...g.edges, ...pasted.edges] };
      });
    },
    replace(nodes, edges) {
      change(() => ({ nodes, edges }));
    },
    arrange() {
      change((g) => ({ ...g, nodes: arrange(g.nodes, g.edges) }));
    },
    selectAll() {
      set({ nodes: get().nodes.map((n) => (n.selected ? n : { ...n, selected: true })) });
    },
    openNodeDialog: (nodeId, kind) => set({ nodeDialog: { nodeId, kind } }),
    closeNodeDialog: () => set({ nodeDialog: undefined }),
    check: ({ credentialIds }) => set({ checked: true, ...(credentialIds ? { credentialIds } : {}) }),
    setKnown: (known) => set({ known }),
    setCredentialIds: (credentialIds) => set({ credentialIds }),
    report(nodeId, message) {
      const node = get().nodes.find((n) => n.id === nodeId);
      if (node) set({ reported: { ...get().reported, [nodeId]: { message, data: node.data } } });
    },
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
