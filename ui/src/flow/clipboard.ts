import { uniqueNodeId } from './handle-ids.js';
import type { EditorNode } from './flow-data.js';
import type { FlowEdge } from './types.js';

/** What the editor copies: the selected nodes and the edges between them. */
export interface Clip {
  kind: 'aimicromind-clip';
  nodes: EditorNode[];
  edges: FlowEdge[];
  /** The chatflow it was copied from ('new' for an unsaved one): pasting elsewhere centres it in view. */
  flowId?: string;
  /** When it was copied (ms): repeated pastes of one copy fan out. */
  copiedAt?: number;
}

export function copySelection(nodes: readonly EditorNode[], edges: readonly FlowEdge[], selected: ReadonlySet<string>, flowId?: string): Clip {
  return {
    kind: 'aimicromind-clip',
    ...(flowId ? { flowId } : {}),
    copiedAt: Date.now(),
    nodes: nodes.filter((n) => selected.has(n.id)).map((n) => structuredClone(n)),
    edges: edges.filter((e) => selected.has(e.source) && selected.has(e.target)).map((e) => structuredClone(e)),
  };
}

export function isClip(value: unknown): value is Clip {
  return typeof value === 'object' && value !== null && (value as Clip).kind === 'aimicromind-clip' && Array.isArray((value as Clip).nodes);
}

/** Replaces whole-word occurrences of old node ids in handle ids, references and data. */
function renameIds<T>(value: T, renames: ReadonlyMap<string, string>): T {
  const text = JSON.stringify(value).replace(/[A-Za-z0-9_]+/g, (word) => renames.get(word) ?? word);
  return JSON.parse(text) as T;
}

const refPattern = /\{\{([A-Za-z0-9_]+)\.data\.instance\}\}/g;

/** Drops references to nodes that were not pasted (their edges were not copied). */
function dropOutsideRefs(inputs: Record<string, unknown>, kept: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(inputs)) {
    if (Array.isArray(value)) out[name] = value.filter((v) => typeof v !== 'string' || [...v.matchAll(refPattern)].every((m) => kept.has(m[1]!)));
    else if (typeof value === 'string' && /^\{\{[A-Za-z0-9_]+\.data\.instance\}\}$/.test(value)) out[name] = kept.has(value.slice(2, value.indexOf('.'))) ? value : '';
    else out[name] = value;
  }
  return out;
}

/**
 * Merges a clip into the canvas (Flowise's paste replaces the whole canvas instead): every pasted node
 * gets a fresh `<name>_<n>` id, its handle ids and references follow, and it lands `offset` away.
 */
export function pasteClip(clip: Clip, existing: readonly EditorNode[], offset = { x: 40, y: 40 }): { nodes: EditorNode[]; edges: FlowEdge[] } {
  const taken = new Set(existing.map((n) => n.id));
  const renames = new Map<string, string>();
  for (const node of clip.nodes) {
    const id = uniqueNodeId(node.data.name, taken);
    taken.add(id);
    renames.set(node.id, id);
  }
  const kept = new Set(renames.values());
  const nodes = clip.nodes.map((node) => {
    const renamed = renameIds(node, renames);
    return {
      ...renamed,
      position: { x: node.position.x + offset.x, y: node.position.y + offset.y },
      selected: true,
      data: { ...renamed.data, inputs: dropOutsideRefs(renamed.data.inputs, kept) },
    };
  });
  const edges = clip.edges.map((edge) => renameIds(edge, renames));
  return { nodes, edges };
}
