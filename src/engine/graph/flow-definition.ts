import { z } from 'zod';
import { FlowValidationError } from '../errors.js';

/**
 * The part of Flowise's chatflow JSON the engine reads (flowise-nodes.md §1). Everything else (canvas
 * state, anchors, base classes) is accepted and ignored.
 */
const nodeSchema = z.looseObject({
  id: z.string().min(1),
  type: z.string().optional(),
  data: z.looseObject({
    id: z.string().optional(),
    name: z.string().min(1),
    label: z.string().optional(),
    category: z.string().optional(),
    version: z.union([z.number(), z.string()]).optional(),
    inputs: z.record(z.string(), z.unknown()).optional(),
    outputs: z.record(z.string(), z.unknown()).nullish(),
    credential: z.string().nullish(),
  }),
});

const edgeSchema = z.looseObject({
  id: z.string().optional(),
  source: z.string().min(1),
  target: z.string().min(1),
  sourceHandle: z.string().nullish(),
  targetHandle: z.string().nullish(),
});

export const flowDataSchema = z.looseObject({
  nodes: z.array(nodeSchema),
  edges: z.array(edgeSchema),
});

export type FlowNode = z.infer<typeof nodeSchema>;
export type FlowEdge = z.infer<typeof edgeSchema>;
export type FlowData = z.infer<typeof flowDataSchema>;

/** The lenient check used when a chatflow is saved: JSON with `nodes` and `edges` arrays. */
export function isFlowDataShape(text: string): boolean {
  try {
    const value = JSON.parse(text) as unknown;
    return (
      typeof value === 'object' &&
      value !== null &&
      Array.isArray((value as { nodes?: unknown }).nodes) &&
      Array.isArray((value as { edges?: unknown }).edges)
    );
  } catch {
    return false;
  }
}

/** Parses a stored `flowData` string for execution; errors name the offending node where possible. */
export function parseFlowData(text: string): FlowData {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new FlowValidationError('flowData is not valid JSON');
  }
  const result = flowDataSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue ? issue.path.join('.') : 'flowData';
    let nodeHint = '';
    if (issue && issue.path[0] === 'nodes' && typeof issue.path[1] === 'number') {
      const raw = (value as { nodes: Array<{ id?: unknown }> }).nodes[issue.path[1]];
      if (raw && typeof raw.id === 'string') nodeHint = ` (node ${raw.id})`;
    }
    throw new FlowValidationError(`Invalid flowData at ${where}${nodeHint}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

export function isStickyNote(node: FlowNode): boolean {
  return node.type === 'stickyNote' || node.data.name === 'stickyNote' || node.data.name === 'stickyNoteAgentflow';
}
