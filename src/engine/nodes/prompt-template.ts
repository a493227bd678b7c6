import { asString } from './input-values.js';
import type { NodeDefinition } from './node-definition.js';
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
    {
      name: 'promptValues',
      kind: 'param',
      type: 'json',
      label: 'Format Prompt Values',
      optional: true,
      list: true,
      acceptVariable: true,
      additionalParams: true,
      description: 'A JSON object giving each {variable} its value; may use {{question}}, {{chat_history}} or another node\'s output',
    },
  ],
  async build(ctx) {
    const values = (ctx.inputs.promptValues ?? {}) as Record<string, unknown>;
    return stringPrompt(asString(ctx.inputs.template) ?? '', values);
  },
};
