import { FlowValidationError } from '../errors.js';
import { TOOL_BASE_CLASSES, isInvokableChain } from '../tools/agent-tool.js';
import { asBoolean, asString } from './input-values.js';
import type { NodeDefinition } from './node-definition.js';

const chainToolClass = async () => (await import('../tools/chain-tool.js')).ChainTool;

export const chainTool: NodeDefinition = {
  name: 'chainTool',
  label: 'Chain Tool',
  version: 1,
  type: 'ChainTool',
  description: "Lets an agent call a chain as a tool: the tool's input is the chain's question.",
  icon: 'chaintool',
  category: 'Tools',
  baseClasses: ['ChainTool', 'DynamicTool', ...TOOL_BASE_CLASSES],
  inputs: [
    { name: 'name', kind: 'param', type: 'string', label: 'Chain Name', placeholder: 'state-of-union-qa', description: 'The tool name the model sees' },
    {
      name: 'description',
      kind: 'param',
      type: 'string',
      label: 'Chain Description',
      rows: 3,
      placeholder: 'State of the Union QA - useful for questions about the most recent state of the union address.',
      description: 'Tells the model when to use this tool',
    },
    {
      name: 'returnDirect',
      kind: 'param',
      type: 'boolean',
      label: 'Return Direct',
      optional: true,
      description: "The chain's answer becomes the agent's answer, without another model turn",
    },
    { name: 'baseChain', kind: 'anchor', type: 'BaseChain', label: 'Base Chain' },
  ],
  async build(ctx) {
    const chain = ctx.inputs.baseChain;
    if (!isInvokableChain(chain)) {
      throw new FlowValidationError(`Node ${ctx.nodeId} (chainTool): input "baseChain" is not a chain this tool can run`, ctx.nodeId);
    }
    const name = asString(ctx.inputs.name);
    const description = asString(ctx.inputs.description);
    if (!name || !/^[A-Za-z0-9_-]{1,64}$/.test(name)) {
      throw new FlowValidationError(`Node ${ctx.nodeId} (chainTool): the chain name must be 1-64 letters, digits, _ or - (models reject other tool names)`, ctx.nodeId);
    }
    return new (await chainToolClass())({
      name,
      description: description ?? name,
      returnDirect: asBoolean(ctx.inputs.returnDirect) ?? false,
      chain,
      run: ctx.run,
    });
  },
};
