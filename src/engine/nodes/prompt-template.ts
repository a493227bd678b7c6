import { asString } from './input-values.js';
import type { NodeDefinition } from './node-definition.js';
import { PROMPT_BASE_CLASSES, stringPrompt } from './prompt-instances.js';

export const promptTemplate: NodeDefinition = {
  name: 'promptTemplate',
  label: 'Prompt Template',
  category: 'Prompts',
  baseClasses: ['PromptTemplate', 'BaseStringPromptTemplate', ...PROMPT_BASE_CLASSES],
  inputs: [
    { name: 'template', kind: 'param', type: 'string' },
    { name: 'promptValues', kind: 'param', type: 'json', optional: true, list: true, acceptVariable: true },
  ],
  async build(ctx) {
    const values = (ctx.inputs.promptValues ?? {}) as Record<string, unknown>;
    return stringPrompt(asString(ctx.inputs.template) ?? '', values);
  },
};
