import { handleInputName, handleNodeId, handleTypes, instanceRef } from './handle-ids.js';
import type { FlowEdge, FlowNode, NodeParam } from './types.js';

/** A connection being made: React Flow's `Connection` with the handles set. */
export interface Link {
  source: string;
  sourceHandle: string;
  target: string;
  targetHandle: string;
}

export interface Graph {
  nodes: FlowNode[];
  edges: FlowEdge[];
}

function targetInput(node: FlowNode, handleId: string): NodeParam | undefined {
  return node.data.inputAnchors.find((a) => a.id === handleId) ?? node.data.inputParams.find((p) => p.id === handleId);
}

/** True when `to` can already reach `from` (the new edge would close a cycle, which the engine rejects). */
function reaches(edges: readonly FlowEdge[], from: string, to: string): boolean {
  const stack = [from];
  const seen = new Set<string>();
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === to) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const edge of edges) if (edge.source === id) stack.push(edge.target);
  }
  return false;
}

/**
 * Why a connection is refused, or undefined when it is allowed. Flowise's rule: the handles' types
 * intersect, and an input that is not a `list` takes one edge. We also refuse self-loops, cycles and the
 * same edge twice. The text is shown to the user after a refused drag.
 */
export function refusalReason(graph: Graph, link: Partial<Link>): string | undefined {
  const { source, sourceHandle, target, targetHandle } = link;
  if (!source || !sourceHandle || !target || !targetHandle) return 'Drop the connection on an input anchor';
  if (source === target) return 'A node cannot connect to itself';
  const node = graph.nodes.find((n) => n.id === target);
  const input = node && targetInput(node, targetHandle);
  if (!input) return 'Drop the connection on an input anchor';
  const sourceTypes = handleTypes(sourceHandle);
  const targetTypes = handleTypes(targetHandle);
  if (!targetTypes.some((type) => sourceTypes.includes(type))) return `${input.label} accepts ${targetTypes.join(' or ')}, which this output is not (${sourceTypes[0] ?? 'unknown'})`;
  const into = graph.edges.filter((e) => e.targetHandle === targetHandle);
  if (into.some((e) => e.source === source)) return 'These two nodes are connected there already';
  if (!input.list && into.length > 0) return `${input.label} takes one connection: delete its edge first`;
  if (reaches(graph.edges, target, source)) return 'This connection would make a loop';
  return undefined;
}

/** True when `refusalReason` has nothing against the connection. */
export function isValidConnection(graph: Graph, link: Partial<Link>): boolean {
  return refusalReason(graph, link) === undefined;
}

export const edgeId = (link: Link) => `${link.source}-${link.sourceHandle}-${link.target}-${link.targetHandle}`;

/** Adds the edge and writes `{{source.data.instance}}` into the input (appended for list anchors). */
export function connect(graph: Graph, link: Link): Graph {
  const name = handleInputName(link.targetHandle);
  const nodes = graph.nodes.map((node) => {
    if (node.id !== link.target) return node;
    const input = targetInput(node, link.targetHandle);
    const current = node.data.inputs[name];
    let value: unknown;
    if (input?.list && node.data.inputAnchors.includes(input)) {
      value = [...(Array.isArray(current) ? current : current ? [current] : []), instanceRef(link.source)];
    } else if (input?.acceptVariable) {
      value = current ?? ''; // the user places {{source.data.instance}} in the text
    } else {
      value = instanceRef(link.source);
    }
    return { ...node, data: { ...node.data, inputs: { ...node.data.inputs, [name]: value } } };
  });
  const edge: FlowEdge = { ...link, type: 'buttonedge', id: edgeId(link) };
  return { nodes, edges: [...graph.edges, edge] };
}

/** The input value once the reference to `sourceId` is gone. */
function withoutRef(value: unknown, sourceId: string): unknown {
  const ref = instanceRef(sourceId);
  if (Array.isArray(value)) return value.filter((item) => item !== ref);
  if (typeof value === 'string') return value === ref ? '' : value.split(ref).join('');
  return value;
}

/** Removes edges and the references they put into their targets' inputs. */
export function disconnect(graph: Graph, edgeIds: Iterable<string>): Graph {
  const ids = new Set(edgeIds);
  const removed = graph.edges.filter((e) => ids.has(e.id));
  if (removed.length === 0) return graph;
  const nodes = graph.nodes.map((node) => {
    const mine = removed.filter((e) => e.target === node.id);
    if (mine.length === 0) return node;
    const inputs = { ...node.data.inputs };
    for (const edge of mine) {
      const name = handleInputName(edge.targetHandle);
      inputs[name] = withoutRef(inputs[name], handleNodeId(edge.sourceHandle) || edge.source);
    }
    return { ...node, data: { ...node.data, inputs } };
  });
  return { nodes, edges: graph.edges.filter((e) => !ids.has(e.id)) };
}

/** Removes nodes, their edges, and the references other nodes held to them. */
export function removeNodes(graph: Graph, nodeIds: Iterable<string>): Graph {
  const ids = new Set(nodeIds);
  const touching = graph.edges.filter((e) => ids.has(e.source) || ids.has(e.target)).map((e) => e.id);
  const cleared = disconnect(graph, touching);
  return { nodes: cleared.nodes.filter((n) => !ids.has(n.id)), edges: cleared.edges };
}
