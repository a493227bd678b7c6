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
