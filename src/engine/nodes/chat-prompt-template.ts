import { FlowValidationError } from '../errors.js';
import { asString } from './input-values.js';
import type { NodeDefinition } from './node-definition.js';
import { PROMPT_BASE_CLASSES, chatPrompt } from './prompt-instances.js';

function hasMessageHistoryCode(value: unknown): boolean {
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.length > 0;
  return value !== undefined && value !== null;
}

export const chatPromptTemplate: NodeDefinition = {
  name: 'chatPromptTemplate',
  label: 'Chat Prompt Template',
  category: 'Prompts',
  baseClasses: ['ChatPromptTemplate', 'BaseChatPromptTemplate', ...PROMPT_BASE_CLASSES],
  inputs: [
    { name: 'systemMessagePrompt', kind: 'param', type: 'string' },
    { name: 'humanMessagePrompt', kind: 'param', type: 'string' },
    { name: 'promptValues', kind: 'param', type: 'json', optional: true, list: true, acceptVariable: true },
    { name: 'messageHistory', kind: 'param', type: 'tabs', optional: true },
  ],
  validate(inputs, nodeId) {
    // The few-shot history is JavaScript that Flowise runs in a sandbox; we have none, so we refuse it.
    if (hasMessageHistoryCode(inputs.messageHistory)) {
      throw new FlowValidationError(
        `Node ${nodeId} (chatPromptTemplate): messageHistory code is not supported; clear it to run this flow`,
        nodeId,
      );
    }
  },
  async build(ctx) {
    const values = (ctx.inputs.promptValues ?? {}) as Record<string, unknown>;
    return chatPrompt(asString(ctx.inputs.systemMessagePrompt) ?? '', asString(ctx.inputs.humanMessagePrompt) ?? '', values);
  },
};
