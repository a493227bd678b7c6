import { asString } from './input-values.js';
import type { NodeDefinition } from './node-definition.js';
import { PROMPT_VALUES_INPUT } from './shared-inputs.js';
import { PROMPT_BASE_CLASSES, stringPrompt } from './prompt-instances.js';

export const promptTemplate: NodeDefinition = {
  name: 'promptTemplate',
  label: 'Prompt Template',
  version: 1,
  type: 'PromptTemplate',
  description: 'A text prompt with {variables} that a chain fills in.',
  icon: 'prompt',
  category: 'Prompts',
  baseClasses: ['PromptTemplate', 'BaseStringPromptTemplate', ...PROMPT_BASE_CLASSES],
  inputs: [
    {
      name: 'template',
      kind: 'param',
      type: 'string',
      label: 'Template',
      rows: 4,
      placeholder: 'What is a good name for a company that makes {product}?',
    },
    PROMPT_VALUES_INPUT,
  ],
  async build(ctx) {
    const values = (ctx.inputs.promptValues ?? {}) as Record<string, unknown>;
    return stringPrompt(asString(ctx.inputs.template) ?? '', values);
  },
};
