import { inputHandleId, outputHandleId } from './handle-ids.js';
import type { CatalogueNode, FlowNode, NodeData, NodeParam, OutputAnchor, XY } from './types.js';

/**
 * Input types the editor renders as a form field (Flowise's whitelist). Any other type is a class
 * name, which makes the input a connectable anchor.
 */
export const PARAM_TYPES = new Set([
  'string',
  'number',
  'boolean',
  'password',
  'options',
  'multiOptions',
  'asyncOptions',
  'asyncMultiOptions',
  'json',
  'code',
  'date',
  'file',
  'folder',
  'tabs',
  'array',
  'datagrid',
  'conditionFunction',
]);

export const isParamType = (type: string) => PARAM_TYPES.has(type);

function outputAnchors(def: CatalogueNode, nodeId: string): OutputAnchor[] {
  if (def.outputs && def.outputs.length > 0) {
    const first = def.outputs[0]!;
    return [
      {
        name: 'output',
        label: 'Output',
        type: 'options',
        description: first.description ?? '',
        default: first.name,
        options: def.outputs.map((output) => ({
          id: outputHandleId(nodeId, output.name, output.baseClasses),
          name: output.name,
          label: output.label,
          description: output.description ?? '',
          type: output.baseClasses.join(' | '),
        })),
      },
    ];
  }
  return [
    {
      id: outputHandleId(nodeId, def.name, def.baseClasses),
      name: def.name,
      label: def.type,
      description: def.description,
      type: def.baseClasses.join(' | '),
    },
  ];
}

/** Anchors, params (the credential first) and output anchors of a node, with handle ids for `nodeId`. */
export function nodeInterface(def: CatalogueNode, nodeId: string): Pick<NodeData, 'inputParams' | 'inputAnchors' | 'outputAnchors'> {
  const inputParams: NodeParam[] = [];
  const inputAnchors: NodeParam[] = [];
  for (const input of def.inputs) {
    const withId = { ...input, id: inputHandleId(nodeId, input.name, input.type) };
    (isParamType(input.type) ? inputParams : inputAnchors).push(withId);
  }
  if (def.credential) inputParams.unshift({ ...def.credential, id: inputHandleId(nodeId, def.credential.name, def.credential.type) });
  return { inputParams, inputAnchors, outputAnchors: outputAnchors(def, nodeId) };
}

/** A new node's data for a catalogue definition (Flowise's `initNode`): defaults filled, first output chosen. */
export function initNodeData(def: CatalogueNode, nodeId: string): NodeData {
  const inputs: Record<string, unknown> = {};
  for (const input of def.inputs) inputs[input.name] = input.default ?? '';
  const data: NodeData = {
    id: nodeId,
    label: def.label,
    version: def.version,
    name: def.name,
    type: def.type,
    baseClasses: [...def.baseClasses],
    category: def.category,
    description: def.description,
    ...nodeInterface(def, nodeId),
    inputs,
    outputs: def.outputs && def.outputs.length > 0 ? { output: def.outputs[0]!.name } : {},
  };
  if (def.credential) data.credential = '';
  return data;
}

/** A canvas node as Flowise's canvas creates it on drop. */
export function initNode(def: CatalogueNode, nodeId: string, position: XY): FlowNode {
  return {
    id: nodeId,
    type: def.name === 'stickyNote' ? 'stickyNote' : 'customNode',
    position: { ...position },
    data: initNodeData(def, nodeId),
  };
}

/** The handle id an output anchor currently exposes (multi-output nodes: the chosen option). */
export function activeOutputHandle(anchor: OutputAnchor, outputs: Record<string, unknown>): string | undefined {
  if (!anchor.options) return anchor.id;
  const chosen = (outputs[anchor.name] as string | undefined) ?? anchor.default;
  return anchor.options.find((option) => option.name === chosen)?.id ?? anchor.options[0]?.id;
}

/** Every handle id a node exposes, inputs (anchors and variable-accepting params) and its active output. */
export function nodeHandleIds(data: NodeData): { inputs: string[]; output: string[] } {
  const inputs = [...data.inputAnchors, ...data.inputParams.filter((param) => param.acceptVariable)].map((input) => input.id!);
  const output = data.outputAnchors.map((anchor) => activeOutputHandle(anchor, data.outputs)).filter((id): id is string => Boolean(id));
  return { inputs, output };
}
