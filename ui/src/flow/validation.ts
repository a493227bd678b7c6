import type { EditorNode } from './flow-data.js';

/** A problem with one node, as the canvas outlines it. */
export interface NodeProblem {
  nodeId: string;
  message: string;
}

/** What the client checks against: the served node names and the stored credentials' ids, when known. */
export interface CheckContext {
  /** Node names the server runs (the catalogue); a node outside it makes predictions fail. */
  known?: ReadonlySet<string>;
  /** Ids of the stored credentials; a node pointing elsewhere lost its credential. */
  credentialIds?: ReadonlySet<string>;
}

export const UNSUPPORTED_MESSAGE = 'Not supported by aimicromind: this node will make predictions fail';
export const CREDENTIAL_MISSING_MESSAGE = 'Credential missing: it was deleted; choose another';

const isUnset = (value: unknown) => value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);

export const isUnsupported = (node: EditorNode, known: ReadonlySet<string> | undefined) => node.type !== 'stickyNote' && known !== undefined && !known.has(node.data.name);

/** Node types the server does not run, required anchors and params left empty, and missing credentials. */
export function findProblems(nodes: readonly EditorNode[], context: CheckContext = {}): NodeProblem[] {
  const problems: NodeProblem[] = [];
  for (const node of nodes) {
    if (node.type === 'stickyNote') continue;
    if (isUnsupported(node, context.known)) {
      problems.push({ nodeId: node.id, message: UNSUPPORTED_MESSAGE });
      continue;
    }
    const { data } = node;
    for (const input of [...data.inputAnchors, ...data.inputParams]) {
      if (input.optional || input.type === 'credential') continue;
      if (isUnset(data.inputs[input.name])) problems.push({ nodeId: node.id, message: `${input.label} is required` });
    }
    const credential = data.inputParams.find((p) => p.type === 'credential');
    if (credential && !credential.optional && !data.credential) problems.push({ nodeId: node.id, message: 'Connect a credential' });
    else if (credential && data.credential && context.credentialIds && !context.credentialIds.has(data.credential)) problems.push({ nodeId: node.id, message: CREDENTIAL_MISSING_MESSAGE });
  }
  return problems;
}

/** Problems shown before any Save: they are not work in progress but something broken. */
const ALWAYS_SHOWN = new Set([UNSUPPORTED_MESSAGE, CREDENTIAL_MISSING_MESSAGE]);

/** A problem the server reported, kept while the node is as it was then (`data` is that node's data object). */
export interface ReportedProblem {
  message: string;
  data: unknown;
}

/**
 * The problems to outline now, by node id (the first message per node). Recomputed on every change:
 * the client's checks run once the user asked for them (`checked`, set by Save) — except unsupported
 * nodes and deleted credentials, flagged from the start — and a server-reported problem lasts until its node is edited or deleted.
 */
export function liveProblems(nodes: readonly EditorNode[], options: CheckContext & { checked: boolean; reported: Readonly<Record<string, ReportedProblem>> }): Record<string, string> {
  const out: Record<string, string> = {};
  const all = findProblems(nodes, options);
  const client = options.checked ? all : all.filter((p) => ALWAYS_SHOWN.has(p.message));
  for (const problem of client) out[problem.nodeId] ??= problem.message;
  for (const node of nodes) {
    const reported = options.reported[node.id];
    if (reported && reported.data === node.data) out[node.id] = reported.message;
  }
  return out;
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
