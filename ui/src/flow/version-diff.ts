/**
 * What changed between two flowData texts (a saved version and the current flow), node by node: nodes
 * are matched by id; a node's "params" are its inputs plus its label, credential and chosen outputs.
 * Positions and sizes are not compared (moving a node changes nothing it does); links show as the
 * inputs that name the linked node (`{{llm_0.data.instance}}`), as Flowise stores them.
 */

export interface NodeRef {
  id: string;
  label: string;
  name: string;
}

export interface ParamChange {
  param: string;
  kind: 'added' | 'removed' | 'changed';
  before?: string;
  after?: string;
}

export interface NodeChange extends NodeRef {
  params: ParamChange[];
}

export interface FlowDiff {
  added: NodeRef[];
  removed: NodeRef[];
  changed: NodeChange[];
}

type Params = Map<string, string>;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A value as the diff shows it: strings as they are, anything else as compact JSON. */
const show = (value: unknown): string => (typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value)));

function nodesOf(flowData: string): Map<string, NodeRef & { params: Params }> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(flowData);
  } catch {
    parsed = {};
  }
  const nodes = isObject(parsed) && Array.isArray(parsed.nodes) ? parsed.nodes : [];
  const result = new Map<string, NodeRef & { params: Params }>();
  for (const node of nodes) {
    if (!isObject(node) || typeof node.id !== 'string') continue;
    const data = isObject(node.data) ? node.data : {};
    const params: Params = new Map();
    if (data.label !== undefined) params.set('label', show(data.label));
    if (data.credential !== undefined && data.credential !== '') params.set('credential', show(data.credential));
    for (const [key, value] of Object.entries(isObject(data.inputs) ? data.inputs : {})) {
      if (value !== undefined && value !== null && value !== '') params.set(key, show(value));
    }
    for (const [key, value] of Object.entries(isObject(data.outputs) ? data.outputs : {})) params.set(`output ${key}`, show(value));
    result.set(node.id, { id: node.id, label: typeof data.label === 'string' ? data.label : node.id, name: typeof data.name === 'string' ? data.name : '', params });
  }
  return result;
}

const ref = ({ id, label, name }: NodeRef): NodeRef => ({ id, label, name });

function paramChanges(before: Params, after: Params): ParamChange[] {
  const changes: ParamChange[] = [];
  for (const [param, value] of before) {
    if (!after.has(param)) changes.push({ param, kind: 'removed', before: value });
    else if (after.get(param) !== value) changes.push({ param, kind: 'changed', before: value, after: after.get(param)! });
  }
  for (const [param, value] of after) if (!before.has(param)) changes.push({ param, kind: 'added', after: value });
  return changes;
}

/** From `before` (e.g. a saved version) to `after` (e.g. the current flow). */
export function diffFlows(before: string, after: string): FlowDiff {
  const old = nodesOf(before);
  const now = nodesOf(after);
  const diff: FlowDiff = { added: [], removed: [], changed: [] };
  for (const [id, node] of old) {
    const current = now.get(id);
    if (!current) diff.removed.push(ref(node));
    else {
      const params = paramChanges(node.params, current.params);
      if (params.length > 0) diff.changed.push({ ...ref(current), params });
    }
  }
  for (const [id, node] of now) if (!old.has(id)) diff.added.push(ref(node));
  return diff;
}
