import { FlowValidationError } from '../errors.js';
import { asBoolean } from '../nodes/input-values.js';
import type { NodeRegistry } from '../nodes/node-registry.js';
import { parseFlowData } from './flow-definition.js';
import { buildFlowGraph, buildOrder, checkInputs, topologicalOrder } from './flow-graph.js';
import { type PlanNode, describeNode } from './flow-plan.js';

/** The part of a chatflow an upsert builds: the chosen vector store and its ancestors. */
export interface UpsertPlan {
  /** Ancestors of the vector store, most distant first; the store itself is last. */
  buildOrder: PlanNode[];
  stopNode: PlanNode;
  allNodes: ReadonlyMap<string, PlanNode>;
}

/**
 * Chooses the vector store node to upsert as Flowise's `executeUpsert` does: the `stopNodeId` given;
 * else the one store with `fileUpload` on; else the only store. Several stores with file upload, several
 * stores and no stopNodeId, or none at all: FlowValidationError naming the problem.
 */
function chooseStore(nodes: Map<string, PlanNode>, stopNodeId: string | undefined): PlanNode {
  if (stopNodeId) {
    const node = nodes.get(stopNodeId);
    if (!node) throw new FlowValidationError(`stopNodeId ${stopNodeId} is not a node of this chatflow`);
    if (!node.definition.upsert) throw new FlowValidationError(`${describeNode(node)} is not a vector store that can be upserted`, node.id);
    return node;
  }
  const stores = [...nodes.values()].filter((n) => n.category === 'Vector Stores');
  const withUpload = stores.filter((n) => asBoolean(n.inputs.fileUpload) === true);
  if (withUpload.length > 1) throw new FlowValidationError(`Multiple vector store nodes with fileUpload enabled (${withUpload.map((n) => n.id).join(', ')})`);
  const chosen = withUpload[0] ?? (stores.length === 1 ? stores[0] : undefined);
  if (!chosen && stores.length > 1) {
    throw new FlowValidationError(`There are multiple vector nodes (${stores.map((n) => n.id).join(', ')}), please provide stopNodeId in body request`);
  }
  if (!chosen) throw new FlowValidationError('No vector node found in this chatflow');
  if (!chosen.definition.upsert) throw new FlowValidationError(`${describeNode(chosen)} cannot be upserted`, chosen.id);
  return chosen;
}

/** Validates a chatflow for an upsert and orders the build of the chosen store's ancestors. */
export function resolveUpsertPlan(flowData: string, registry: NodeRegistry, stopNodeId?: string): UpsertPlan {
  const { nodes, upstream } = buildFlowGraph(parseFlowData(flowData), registry);
  topologicalOrder(new Set(nodes.keys()), upstream);
  const stopNode = chooseStore(nodes, stopNodeId);
  const order = buildOrder(stopNode, upstream, nodes);
  for (const node of order) checkInputs(node, nodes);
  return { buildOrder: order, stopNode, allNodes: nodes };
}
