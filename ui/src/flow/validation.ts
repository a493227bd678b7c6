import type { EditorNode } from './flow-data.js';

/** A problem with one node, as the canvas outlines it. */
export interface NodeProblem {
  nodeId: string;
  message: string;
}

const isUnset = (value: unknown) => value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);

/** Required anchors and params left empty, and nodes that need a credential and have none. */
export function findProblems(nodes: readonly EditorNode[]): NodeProblem[] {
  const problems: NodeProblem[] = [];
  for (const node of nodes) {
    if (node.type === 'stickyNote') continue;
    const { data } = node;
    for (const input of [...data.inputAnchors, ...data.inputParams]) {
      if (input.optional || input.type === 'credential') continue;
      if (isUnset(data.inputs[input.name])) problems.push({ nodeId: node.id, message: `${input.label} is required` });
    }
    const credential = data.inputParams.find((p) => p.type === 'credential');
    if (credential && !credential.optional && !data.credential) problems.push({ nodeId: node.id, message: 'Connect a credential' });
  }
  return problems;
}

/**
 * The node a server error is about: the body's `nodeId` when the server sends it, else the first node
 * id of the canvas that the message names ("Node llmChain_0 (llmChain): …").
 */
export function problemFromError(body: unknown, nodeIds: readonly string[]): NodeProblem | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { nodeId, message } = body as { nodeId?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : '';
  if (typeof nodeId === 'string' && nodeIds.includes(nodeId)) return { nodeId, message: text };
  const named = [...nodeIds].sort((a, b) => b.length - a.length).find((id) => new RegExp(`(^|[^A-Za-z0-9_])${id}([^A-Za-z0-9_]|$)`).test(text));
  return named ? { nodeId: named, message: text } : undefined;
}
