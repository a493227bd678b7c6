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

/** Characters V8 quotes on each side of the error in "Unexpected token" messages (`kMaxContextCharacters`). */
const V8_CONTEXT = 10;

/**
 * V8 (Chromium, Node) names no position for an unexpected token: it quotes the text around it instead,
 * 10 characters each side, with `...` outside the quotes where the text was cut
 * (`Unexpected token ',', ..."nodes": [,], "edges"... is not valid JSON`). The position is found back from that quote.
 */
function contextPosition(text: string, detail: string): { at: string; reason: string } | undefined {
  const match = /^(Unexpected token '(.+?)'), (\.\.\.)?"(.*)"(\.\.\.)? is not valid JSON$/s.exec(detail);
  if (!match) return undefined;
  const [, reason, token, cutBefore, quoted, cutAfter] = match as unknown as [string, string, string, string | undefined, string, string | undefined];
  let at: number;
  if (cutBefore) at = text.indexOf(quoted) + V8_CONTEXT;
  else if (cutAfter) at = quoted.length - V8_CONTEXT;
  else at = text.indexOf(token);
  return at >= 0 ? { at: String(at), reason } : undefined;
}

/**
 * "This is not JSON: line 3, column 7: Unexpected token …" from a JSON.parse error (engines report a
 * character `position`; people look for a line and a column).
 */
export function jsonErrorMessage(text: string, error: unknown): string {
  const detail = error instanceof Error ? error.message : String(error);
  if (text.trim() === '') return 'This is not JSON: the text is empty';
  const context = contextPosition(text, detail);
  const at = /at position (\d+)/.exec(detail)?.[1] ?? context?.at ?? (/unexpected end/i.test(detail) ? String(text.length) : undefined);
  const reason = context?.reason ?? detail.replace(/\s*in JSON at position \d+.*$/s, '').replace(/^JSON\.parse: /, '');
  if (at === undefined) return `This is not JSON: ${reason}`;
  const before = text.slice(0, Number(at));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `This is not JSON: line ${line}, column ${column}: ${reason}`;
}

/** Parses flowData (a string or an object) into the editor's model; throws FlowDataError naming the problem. */
export function loadFlow(raw: unknown, catalogue: ReadonlyMap<string, CatalogueNode>): EditorFlow {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new FlowDataError(jsonErrorMessage(raw, error));
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
  const ids = new Set<string>();
  for (const node of nodes) {
    if (ids.has(node.id)) throw new FlowDataError(`Two nodes have the id "${node.id}": node ids must be unique`);
    ids.add(node.id);
  }
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
