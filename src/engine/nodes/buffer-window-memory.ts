import { asNumber, asString } from './input-values.js';
import { MEMORY_BASE_CLASSES, MEMORY_INPUTS, type MemoryInstance } from './memory-instance.js';
import type { NodeDefinition } from './node-definition.js';

export const bufferWindowMemory: NodeDefinition = {
  name: 'bufferWindowMemory',
  label: 'Buffer Window Memory',
  version: 2,
  type: 'BufferWindowMemory',
  description: 'The last k exchanges of the conversation, read from the database.',
  icon: 'memory',
  category: 'Memory',
  baseClasses: ['BufferWindowMemory', ...MEMORY_BASE_CLASSES],
  inputs: [
    ...MEMORY_INPUTS,
    {
      name: 'k',
      kind: 'param',
      type: 'number',
      label: 'Size',
      optional: true,
      default: 4,
      step: 1,
      description: 'How many question-and-answer pairs to keep; empty keeps them all',
    },
  ],
  async build(ctx): Promise<MemoryInstance> {
    // As in Flowise, an empty or non-numeric k keeps the whole history.
    const k = asNumber(ctx.inputs.k);
    return {
      kind: 'memory',
      memoryKey: asString(ctx.inputs.memoryKey) ?? 'chat_history',
      label: ctx.label,
      async loadTurns(run) {
        if (run.sessionId === '') return [...run.requestHistory];
        const stored = await run.services.loadHistory(run.chatflowId, run.sessionId);
        let window = stored;
        if (k !== undefined) window = k <= 0 ? [] : stored.slice(-2 * Math.floor(k));
        // The request history goes in front after the cut, so it is never trimmed.
        return [...run.requestHistory, ...window];
      },
    };
  },
};
