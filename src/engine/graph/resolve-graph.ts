import { FlowValidationError } from '../errors.js';
import { asBoolean } from '../nodes/input-values.js';
import type { InputSpec, NodeDefinition } from '../nodes/node-definition.js';
import type { NodeRegistry } from '../nodes/node-registry.js';
import { referencedNodeIds } from '../run/variables.js';
import { type FlowData, type FlowNode, isStickyNote } from './flow-definition.js';
import { type FlowPlan, type PlanNode, describeNode } from './flow-plan.js';

const ENDING_CATEGORIES = new Set(['Chains', 'Agents', 'Engine', 'Multi Agents', 'Sequential Agents']);
const NON_STREAMING_CHAINS = new Set(['openApiChain', 'vectaraQAChain']);
/** Agents Flowise streams (its whitelist; conversationalAgent and reactAgentChat answer in one piece). */
const STREAMING_AGENTS = new Set(['toolAgent', 'csvAgent', 'airtableAgent', 'conversationalRetrievalToolAgent', 'openAIToolAgentLlamaIndex']);

function toPlanNode(node: FlowNode, definition: NodeDefinition): PlanNode {
  const credential = node.data.credential ?? undefined;
  return {
    id: node.id,
    name: node.data.name,
    label: node.data.label ?? definition.label,
    category: definition.category,
    inputs: { ...(node.data.inputs ?? {}) },
    outputs: { ...(node.data.outputs ?? {}) },
    ...(credential ? { credentialId: credential } : {}),
    definition,
  };
}

const isUnset = (value: unknown) =>
  value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);

function checkInputs(node: PlanNode, nodes: ReadonlyMap<string, PlanNode>): void {
  for (const spec of node.definition.inputs) {
    const value = node.inputs[spec.name];
    if (isUnset(value)) {
      if (!spec.optional) throw new FlowValidationError(`${describeNode(node)}: missing required input "${spec.name}"`, node.id);
      continue;
    }
    if (spec.kind === 'anchor') checkAnchor(node, spec, value, nodes);
  }
  const credential = node.definition.credential;
  if (credential && !credential.optional && !node.credentialId && isUnset(node.inputs.credentialId)) {
    if (credential.fields.every((field) => isUnset(node.inputs[field]))) {
      throw new FlowValidationError(
        `${describeNode(node)}: no credential; create a ${credential.names.join(' or ')} credential and set the node's data.credential to its id`,
        node.id,
      );
    }
  }
  node.definition.validate?.(node.inputs, node.id, node.outputs);
}

function checkAnchor(node: PlanNode, spec: InputSpec, value: unknown, nodes: ReadonlyMap<string, PlanNode>): void {
  const refs = [...referencedNodeIds(value)];
  if (refs.length === 0) {
    throw new FlowValidationError(`${describeNode(node)}: input "${spec.name}" must be connected to a node`, node.id);
  }
  for (const ref of refs) {
    const source = nodes.get(ref);
    if (!source) continue; // reported as a dangling reference
    if (!source.definition.baseClasses.includes(spec.type)) {
      throw new FlowValidationError(
        `${describeNode(node)}: input "${spec.name}" needs a ${spec.type}, but ${describeNode(source)} is not one`,
        node.id,
      );
    }
  }
}

/** Kahn's algorithm over a set of node ids; leftover nodes are on (or behind) a cycle. */
function topologicalOrder(ids: Set<string>, upstream: Map<string, Set<string>>): string[] {
  const remaining = new Map<string, number>();
  for (const id of ids) remaining.set(id, [...(upstream.get(id) ?? [])].filter((d) => ids.has(d)).length);
  const order: string[] = [];
  const ready = [...ids].filter((id) => remaining.get(id) === 0);
  while (ready.length > 0) {
    const id = ready.shift()!;
    order.push(id);
    for (const other of ids) {
      if (!upstream.get(other)?.has(id)) continue;
      const left = remaining.get(other)! - 1;
      remaining.set(other, left);
      if (left === 0) ready.push(other);
    }
  }
  if (order.length !== ids.size) {
    const cycle = [...ids].filter((id) => remaining.get(id)! > 0).sort();
    throw new FlowValidationError(`Flow has a cycle through nodes: ${cycle.join(', ')}`, cycle[0]);
  }
  return order;
}

/** The ending node's ancestors (and itself), most distant first. */
function buildOrder(ending: PlanNode, upstream: Map<string, Set<string>>, nodes: Map<string, PlanNode>): PlanNode[] {
  const needed = new Set<string>();
  const stack = [ending.id];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (needed.has(id)) continue;
    needed.add(id);
    for (const dep of upstream.get(id) ?? []) stack.push(dep);
  }
  return topologicalOrder(needed, upstream).map((id) => nodes.get(id)!);
}

function findEndingNode(nodes: Map<string, PlanNode>, downstream: Map<string, Set<string>>, upstream: Map<string, Set<string>>): PlanNode {
  const all = [...nodes.values()];
  const candidates =
    all.length === 1 ? all : all.filter((n) => (upstream.get(n.id)?.size ?? 0) > 0 && (downstream.get(n.id)?.size ?? 0) === 0);
  if (candidates.length === 0) throw new FlowValidationError('Ending nodes not found');
  const ending = candidates.filter((n) => ENDING_CATEGORIES.has(n.category) && n.definition.run);
  if (ending.length === 0) {
    throw new FlowValidationError(
      `Ending node must be either a Chain or Agent or Engine (found ${candidates.map(describeNode).join(', ')})`,
      candidates[0]?.id,
    );
  }
  if (ending.length > 1) {
    throw new FlowValidationError(
      `Flow has several ending nodes (${ending.map((n) => n.id).join(', ')}); connect them so exactly one chain ends the flow`,
      ending[0]?.id,
    );
  }
  const node = ending[0]!;
  if (node.name === 'llmChain' && node.outputs.output === 'outputPrediction') {
    throw new FlowValidationError(
      `${describeNode(node)}: Output of LLM Chain must be LLM Chain, can't be an Output Prediction`,
      node.id,
    );
  }
  return node;
}

/** §2.6 rules 3–5: the part of the streaming decision that depends only on the graph. */
function isStreamCapable(nodes: Iterable<PlanNode>, ending: PlanNode): boolean {
  let anyStreaming = false;
  for (const node of nodes) {
    if (node.category.includes('Output Parser')) return false;
    if (node.category !== 'Chat Models' && node.category !== 'LLMs') continue;
    if ('streaming' in node.inputs) {
      const streaming = asBoolean(node.inputs.streaming);
      if (streaming === false) return false;
      if (streaming === true) anyStreaming = true;
    } else if (node.definition.streamCapable) {
      anyStreaming = true;
    }
  }
  if (!anyStreaming) return false;
  if (ending.category === 'Chains') return !NON_STREAMING_CHAINS.has(ending.name);
  return ending.category === 'Agents' && STREAMING_AGENTS.has(ending.name);
}

/** Validates a chatflow graph and orders its build (flowise-nodes.md §2.1, §4). */
export function resolveGraph(flow: FlowData, registry: NodeRegistry): FlowPlan {
  const nodes = new Map<string, PlanNode>();
  const stickyIds = new Set<string>();
  for (const raw of flow.nodes) {
    if (isStickyNote(raw)) {
      stickyIds.add(raw.id);
      continue;
    }
    if (nodes.has(raw.id)) throw new FlowValidationError(`Duplicate node id ${raw.id}`, raw.id);
    const definition = registry.get(raw.data.name);
    if (!definition) {
      throw new FlowValidationError(`Node ${raw.id} (${raw.data.name}) is not a node type aimicromind supports`, raw.id);
    }
    nodes.set(raw.id, toPlanNode(raw, definition));
  }
  if (nodes.size === 0) throw new FlowValidationError('Ending nodes not found');

  const upstream = new Map<string, Set<string>>();
  const downstream = new Map<string, Set<string>>();
  const link = (from: string, to: string) => {
    if (!upstream.has(to)) upstream.set(to, new Set());
    if (!downstream.has(from)) downstream.set(from, new Set());
    upstream.get(to)!.add(from);
    downstream.get(from)!.add(to);
  };
  const edgeSources = new Set<string>();
  for (const edge of flow.edges) {
    if (stickyIds.has(edge.source) || stickyIds.has(edge.target)) continue;
    for (const end of [edge.source, edge.target]) {
      if (!nodes.has(end)) throw new FlowValidationError(`Edge ${edge.id ?? `${edge.source}->${edge.target}`} refers to missing node ${end}`, end);
    }
    if (edge.source === edge.target) throw new FlowValidationError(`Flow has a cycle through nodes: ${edge.source}`, edge.source);
    link(edge.source, edge.target);
    edgeSources.add(edge.source);
  }
  // Every {{id.data.instance}} needs an edge: without one Flowise would resolve an unbuilt node.
  for (const node of nodes.values()) {
    for (const ref of referencedNodeIds(node.inputs)) {
      if (!nodes.has(ref)) {
        throw new FlowValidationError(`${describeNode(node)}: input refers to missing node ${ref}`, node.id);
      }
      if (!upstream.get(node.id)?.has(ref)) {
        throw new FlowValidationError(`${describeNode(node)}: input refers to node ${ref} but no edge connects them`, node.id);
      }
    }
  }

  topologicalOrder(new Set(nodes.keys()), upstream);
  const endingNode = findEndingNode(nodes, downstream, upstream);
  const order = buildOrder(endingNode, upstream, nodes);
  for (const node of order) checkInputs(node, nodes);
  const memoryNode = [...nodes.values()].find((n) => n.category === 'Memory' && edgeSources.has(n.id));

  return {
    buildOrder: order,
    endingNode,
    ...(memoryNode ? { memoryNode } : {}),
    streamCapable: isStreamCapable(nodes.values(), endingNode),
    allNodes: nodes,
  };
}
