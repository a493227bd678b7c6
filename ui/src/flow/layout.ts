import dagre from '@dagrejs/dagre';
import type { EditorNode } from './flow-data.js';
import type { FlowEdge } from './types.js';

const DEFAULT_SIZE = { width: 300, height: 400 };

/** Left-to-right layered layout (dagre) for flows without positions; sizes are measured ones when known. */
export function arrange(nodes: readonly EditorNode[], edges: readonly FlowEdge[]): EditorNode[] {
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: 40, ranksep: 80 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) {
    graph.setNode(node.id, {
      width: node.measured?.width ?? DEFAULT_SIZE.width,
      height: node.measured?.height ?? DEFAULT_SIZE.height,
    });
  }
  for (const edge of edges) graph.setEdge(edge.source, edge.target);
  dagre.layout(graph);
  return nodes.map((node) => {
    const placed = graph.node(node.id) as { x: number; y: number; width: number; height: number };
    return { ...node, position: { x: placed.x - placed.width / 2, y: placed.y - placed.height / 2 } };
  });
}
