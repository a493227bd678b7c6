import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { FlowValidationError } from '../errors.js';
import { DEFAULT_MAX_ITERATIONS } from '../agents/tool-calling-loop.js';
import { type AgentTool, flattenTools, isAgentTool } from '../tools/agent-tool.js';
import { asNumber } from './input-values.js';
import { isMemoryInstance, type MemoryInstance } from './memory-instance.js';
import type { BuildContext, InputSpec } from './node-definition.js';

/** Agents' base classes (Flowise: AgentExecutor's). */
export const AGENT_BASE_CLASSES = ['AgentExecutor', 'BaseChain', 'Runnable'];

export const TOOLS_INPUT: InputSpec = {
  name: 'tools',
  kind: 'anchor',
  type: 'Tool',
  label: 'Tools',
  list: true,
  description: 'The tools the agent may call',
};

export const MAX_ITERATIONS_INPUT: InputSpec = {
  name: 'maxIterations',
  kind: 'param',
  type: 'number',
  label: 'Max Iterations',
  optional: true,
  additionalParams: true,
  step: 1,
  placeholder: String(DEFAULT_MAX_ITERATIONS),
  description: `Most model turns before the agent gives up (default ${DEFAULT_MAX_ITERATIONS})`,
};

/** What every agent builds from its inputs: model, tools, memory and the iteration limit. */
export interface AgentParts {
  model: BaseChatModel;
  tools: AgentTool[];
  memory: MemoryInstance;
  maxIterations: number;
  moderations: unknown;
}

export function agentParts(ctx: BuildContext, nodeName: string): AgentParts {
  const tools = flattenTools(ctx.inputs.tools);
  for (const tool of tools) {
    if (!isAgentTool(tool)) throw new FlowValidationError(`Node ${ctx.nodeId} (${nodeName}): an input of "tools" is not a tool`, ctx.nodeId);
  }
  const names = new Set<string>();
  for (const tool of tools as AgentTool[]) {
    const name = tool.name.toLowerCase();
    if (names.has(name)) {
      throw new FlowValidationError(`Node ${ctx.nodeId} (${nodeName}): two tools are named "${tool.name}"; give each tool its own name`, ctx.nodeId);
    }
    names.add(name);
  }
  const memory = ctx.inputs.memory;
  if (!isMemoryInstance(memory)) throw new FlowValidationError(`Node ${ctx.nodeId} (${nodeName}): input "memory" is not a memory`, ctx.nodeId);
  const max = asNumber(ctx.inputs.maxIterations);
  return {
    model: ctx.inputs.model as BaseChatModel,
    tools: tools as AgentTool[],
    memory,
    maxIterations: max !== undefined && max >= 1 ? Math.floor(max) : DEFAULT_MAX_ITERATIONS,
    moderations: ctx.inputs.inputModeration,
  };
}
