import type { FlowJson } from './types.js';

/**
 * A chatflow as Flowise's "Export" writes it: `{nodes, edges}` with credentials and password inputs
 * removed, so a file can be shared and imported back into Flowise or aimicromind.
 */
export function exportFlow(flow: FlowJson): { nodes: FlowJson['nodes']; edges: FlowJson['edges'] } {
  const nodes = flow.nodes.map((node) => {
    const { credential: _credential, ...data } = node.data;
    const inputs = { ...data.inputs };
    for (const param of data.inputParams ?? []) if (param.type === 'password') inputs[param.name] = '';
    return { ...node, selected: false, data: { ...data, inputs, selected: false } };
  });
  return { nodes, edges: flow.edges };
}

/** A file name like Flowise's: `<name> Chatflow.json`, without characters file systems refuse. */
export const exportFileName = (name: string) => `${name.replace(/[\\/:*?"<>|]/g, '_')} Chatflow.json`;
