import { FlowValidationError } from '../errors.js';
import type { InputSpec, NodeDefinition } from '../nodes/node-definition.js';
import type { NodeRegistry } from '../nodes/node-registry.js';
import { referencedNodeIds } from '../run/variables.js';
import { type FlowData, type FlowNode, isStickyNote } from './flow-definition.js';
import { type PlanNode, describeNode } from './flow-plan.js';

/** A chatflow's nodes (sticky notes dropped) and its edges as adjacency sets. */
export interface FlowGraph {
  nodes: Map<string, PlanNode>;
  upstream: Map<string, Set<string>>;
  downstream: Map<string, Set<string>>;
  /** Nodes that are the source of an edge (the memory rule reads it). */
  edgeSources: Set<string>;
}

export function toPlanNode(node: FlowNode, definition: NodeDefinition): PlanNode {
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

export function checkInputs(node: PlanNode, nodes: ReadonlyMap<string, PlanNode>): void {
  for (const spec of node.definition.inputs) {
    const value = node.inputs[spec.name];
    if (isUnset(value)) {
      // A missing param takes its default (§1.3); a file may arrive with an upsert (the loader checks it).
      const deferred = spec.kind === 'param' && (spec.default !== undefined || spec.type === 'file');
      if (!spec.optional && !deferred) throw new FlowValidationError(`${describeNode(node)}: missing required input "${spec.name}"`, node.id);
      continue;
    }
    if (spec.kind === 'anchor') checkAnchor(node, spec, value, nodes);
    else if (spec.type === 'json') checkJsonParam(node, spec, value);
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

/**
 * A `json` param stored as text must parse (every node refuses invalid JSON when it is built), so such a
 * flow is refused before it runs, in streaming mode too. Text with `{{…}}` is resolved at run time first.
 */
function checkJsonParam(node: PlanNode, spec: InputSpec, value: unknown): void {
  if (typeof value !== 'string' || value.includes('{{')) return;
  try {
    JSON.parse(value);
  } catch {
    throw new FlowValidationError(`${describeNode(node)}: ${spec.name} is not valid JSON`, node.id);
  }
}

function checkAnchor(node: PlanNode, spec: InputSpec, value: unknown, nodes: ReadonlyMap<string, PlanNode>): void {
  const refs = [...referencedNodeIds(value)];
  if (refs.length === 0) {
    throw new FlowValidationError(`${describeNode(node)}: input "${spec.name}" must be connected to a node`, node.id);
  }
  for (const ref of refs) {
    const source = nodes.get(ref);
    if (!source) continue; // reported as a dangling reference
    if (!outputClasses(source.definition, source.outputs).includes(spec.type)) {
      throw new FlowValidationError(
        `${describeNode(node)}: input "${spec.name}" needs a ${spec.type}, but ${describeNode(source)} is not one`,
        node.id,
      );
    }
  }
}

/**
 * The classes a node's instance satisfies: those of its chosen output (`data.outputs.output`) when it has
 * alternatives, the first one (the editor's default, as in Flowise) when none is chosen; else its baseClasses.
 */
export function outputClasses(definition: NodeDefinition, outputs: Record<string, unknown>): string[] {
  const alternatives = definition.outputs;
  if (!alternatives || alternatives.length === 0) return definition.baseClasses;
  return (alternatives.find((o) => o.name === outputs.output) ?? alternatives[0]!).baseClasses;
}

/** Kahn's algorithm over a set of node ids; leftover nodes are on (or behind) a cycle. */
export function topologicalOrder(ids: Set<string>, upstream: Map<string, Set<string>>): string[] {
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

/** A node's ancestors (and itself), most distant first; `skip` leaves out a node and what feeds only it. */
export function buildOrder(
  last: PlanNode,
  upstream: Map<string, Set<string>>,
  nodes: Map<string, PlanNode>,
  skip: (id: string) => boolean = () => false,
): PlanNode[] {
  const needed = new Set<string>();
  const stack = [last.id];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (needed.has(id) || (id !== last.id && skip(id))) continue;
    needed.add(id);
    for (const dep of upstream.get(id) ?? []) stack.push(dep);
  }
  return topologicalOrder(needed, upstream).map((id) => nodes.get(id)!);
}


/** Parses nodes and edges into a graph; checks ids, edges and that every `{{id.data.instance}}` has an edge. */
export function buildFlowGraph(flow: FlowData, registry: NodeRegistry): FlowGraph {
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

  return { nodes, upstream, downstream, edgeSources };
}
