import type { InputSpec } from './node-definition.js';

/** The `inputModeration` list anchor of chains and agents (Flowise's wording in our own words). */
export const INPUT_MODERATION_INPUT: InputSpec = {
  name: 'inputModeration',
  kind: 'anchor',
  type: 'Moderation',
  label: 'Input Moderation',
  optional: true,
  list: true,
  description: 'Checks the question before the model sees it; a refused question gets the moderation message as its answer',
};

/** conversationChain's and toolAgent's optional chat prompt template. */
export const CHAT_PROMPT_TEMPLATE_INPUT: InputSpec = {
  name: 'chatPromptTemplate',
  kind: 'anchor',
  type: 'ChatPromptTemplate',
  label: 'Chat Prompt Template',
  optional: true,
  description: 'Replaces the system message; its human message must contain {input}',
};

/** A system message param under "Additional Parameters". */
export const systemMessageInput = (name: string, fallback: string, description?: string): InputSpec => ({
  name,
  kind: 'param',
  type: 'string',
  label: 'System Message',
  optional: true,
  rows: 4,
  additionalParams: true,
  default: fallback,
  ...(description ? { description } : {}),
});

/** Both prompt templates' values for their `{variables}` (Flowise's promptValues: JSON that accepts `{{…}}`). */
export const PROMPT_VALUES_INPUT: InputSpec = {
  name: 'promptValues',
  kind: 'param',
  type: 'json',
  label: 'Format Prompt Values',
  optional: true,
  list: true,
  acceptVariable: true,
  additionalParams: true,
  description: "A JSON object giving each {variable} its value; may use {{question}}, {{chat_history}} or another node's output",
};
