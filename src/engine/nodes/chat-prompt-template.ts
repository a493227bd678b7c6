import { FlowValidationError } from '../errors.js';
import { asString } from './input-values.js';
import type { NodeDefinition } from './node-definition.js';
import { PROMPT_VALUES_INPUT } from './shared-inputs.js';
import { PROMPT_BASE_CLASSES, chatPrompt } from './prompt-instances.js';

function hasMessageHistoryCode(value: unknown): boolean {
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.length > 0;
  return value !== undefined && value !== null;
}

export const chatPromptTemplate: NodeDefinition = {
  name: 'chatPromptTemplate',
  label: 'Chat Prompt Template',
  version: 2,
  type: 'ChatPromptTemplate',
  description: 'A system message and a human message with {variables}, for chat models.',
  icon: 'prompt',
  category: 'Prompts',
  baseClasses: ['ChatPromptTemplate', 'BaseChatPromptTemplate', ...PROMPT_BASE_CLASSES],
  inputs: [
    {
      name: 'systemMessagePrompt',
      kind: 'param',
      type: 'string',
      label: 'System Message',
      rows: 4,
      placeholder: 'You are a helpful assistant that translates {input_language} to {output_language}.',
    },
    {
      name: 'humanMessagePrompt',
      kind: 'param',
      type: 'string',
      label: 'Human Message',
      rows: 4,
      placeholder: '{text}',
      description: 'The last message sent to the model; {input} when a conversation chain or agent uses this prompt',
    },
    PROMPT_VALUES_INPUT,
    {
      name: 'messageHistory',
      kind: 'param',
      type: 'tabs',
      label: 'Message History',
      optional: true,
      hidden: true,
      description: 'Few-shot history code; not supported (a flow that sets it is refused)',
    },
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
