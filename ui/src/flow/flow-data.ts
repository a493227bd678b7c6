import { nodeInterface } from './init-node.js';
import type { CatalogueNode, FlowEdge, FlowJson, FlowNode, NodeData, Viewport, XY } from './types.js';

/**
 * Converting between saved flowData (Flowise's shape: React Flow 11's `toObject()`, with `width`,
 * `height` and `positionAbsolute` on each node) and the editor's model (React Flow 12, which treats
 * `width`/`height` as fixed sizes and keeps measured ones in `measured`).
 */

/** A node as the editor holds it: no fixed size; the size React Flow measured, once it has. */
export interface EditorNode {
  id: string;
  type: string;
  position: XY;
  data: NodeData;
  selected?: boolean;
  dragging?: boolean;
  measured?: { width?: number; height?: number };
}

export interface EditorFlow {
  nodes: EditorNode[];
  edges: FlowEdge[];
  viewport?: Viewport;
  /** Some nodes had no position (hand-written or generated JSON): arrange them. */
  needsLayout: boolean;
}

export class FlowDataError extends Error {}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const isXY = (value: unknown): value is XY => isObject(value) && Number.isFinite(value.x) && Number.isFinite(value.y);

/** Brings a saved node up to the served definition: current anchors and params, saved values kept. */
function refreshData(data: NodeData, id: string, def: CatalogueNode | undefined): NodeData {
  const defaults: Partial<NodeData> = {
    inputParams: [],
    inputAnchors: [],
    outputAnchors: [],
    outputs: {},
    baseClasses: [],
    category: '',
    description: '',
    type: '',
    version: 1,
    label: data.name,
  };
  const base = { ...defaults, ...data, id, inputs: isObject(data.inputs) ? { ...data.inputs } : {} } as NodeData;
  if (!def) return base;
  const inputs: Record<string, unknown> = {};
  for (const input of def.inputs) inputs[input.name] = input.default ?? '';
  Object.assign(inputs, base.inputs);
  const outputs = isObject(data.outputs) ? { ...data.outputs } : {};
  if (def.outputs?.length && !def.outputs.some((o) => o.name === outputs.output)) outputs.output = def.outputs[0]!.name;
  return {
    ...base,
    ...nodeInterface(def, id),
    version: def.version,
    type: def.type,
    baseClasses: [...def.baseClasses],
    category: def.category,
    description: base.description || def.description,
    inputs,
    outputs,
  };
}

/** Parses flowData (a string or an object) into the editor's model; throws FlowDataError naming the problem. */
export function loadFlow(raw: unknown, catalogue: ReadonlyMap<string, CatalogueNode>): EditorFlow {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new FlowDataError('This is not JSON');
    }
  }
  if (!isObject(value) || !Array.isArray(value.nodes) || !Array.isArray(value.edges)) {
    throw new FlowDataError('A Flowise chatflow is JSON with "nodes" and "edges" arrays');
  }
  let needsLayout = false;
  const nodes: EditorNode[] = value.nodes.map((rawNode, index) => {
    if (!isObject(rawNode) || typeof rawNode.id !== 'string' || !isObject(rawNode.data) || typeof rawNode.data.name !== 'string') {
      throw new FlowDataError(`Node ${index + 1} has no "id" or no "data.name"`);
    }
    const { width: _w, height: _h, positionAbsolute: _p, ...node } = rawNode as unknown as FlowNode;
    const data = refreshData(node.data, node.id, catalogue.get(node.data.name));
    const sticky = node.type === 'stickyNote' || data.name === 'stickyNote';
    const position = isXY(node.position) ? { x: node.position.x, y: node.position.y } : ((needsLayout = true), { x: 0, y: 0 });
    const editorNode: EditorNode = { ...node, type: sticky ? 'stickyNote' : 'customNode', position, data, selected: false, dragging: false };
    if (typeof _w === 'number' && typeof _h === 'number') editorNode.measured = { width: _w, height: _h };
    return editorNode;
  });
  const ids = new Set(nodes.map((n) => n.id));
  const edges: FlowEdge[] = value.edges.map((rawEdge, index) => {
    if (!isObject(rawEdge) || typeof rawEdge.source !== 'string' || typeof rawEdge.target !== 'string') {
      throw new FlowDataError(`Edge ${index + 1} has no "source" or "target"`);
    }
    for (const end of [rawEdge.source, rawEdge.target]) {
      if (!ids.has(end)) throw new FlowDataError(`Edge ${index + 1} refers to a missing node ${end}`);
    }
    const edge = rawEdge as unknown as FlowEdge;
    return {
      ...edge,
      selected: false,
      id: typeof edge.id === 'string' ? edge.id : `${edge.source}-${edge.sourceHandle}-${edge.target}-${edge.targetHandle}`,
      sourceHandle: String(edge.sourceHandle ?? ''),
      targetHandle: String(edge.targetHandle ?? ''),
      type: 'buttonedge',
    };
  });
  const viewport = isObject(value.viewport) && isXY(value.viewport) && Number.isFinite((value.viewport as { zoom?: unknown }).zoom) ? (value.viewport as unknown as Viewport) : undefined;
  return { nodes, edges, ...(viewport ? { viewport } : {}), needsLayout };
}

/** The editor's model as Flowise saves it (v11 `width`/`height`/`positionAbsolute` written too). */
export function saveFlow(nodes: readonly EditorNode[], edges: readonly FlowEdge[], viewport: Viewport = { x: 0, y: 0, zoom: 1 }): FlowJson {
  return {
    nodes: nodes.map(({ measured, selected: _s, dragging: _d, ...node }) => {
      const { selected: _ds, ...data } = node.data;
      return {
        ...node,
        id: node.id,
        type: node.type,
        position: { x: node.position.x, y: node.position.y },
        data: { ...data, selected: false } as NodeData,
        ...(measured?.width !== undefined ? { width: measured.width } : {}),
        ...(measured?.height !== undefined ? { height: measured.height } : {}),
        positionAbsolute: { x: node.position.x, y: node.position.y },
        selected: false,
        dragging: false,
      };
    }),
    edges: edges.map(({ selected: _s, ...edge }) => ({ ...edge, type: 'buttonedge' })),
    viewport: { x: viewport.x, y: viewport.y, zoom: viewport.zoom },
  };
}
