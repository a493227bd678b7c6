import { asString } from './input-values.js';
import { MEMORY_BASE_CLASSES, MEMORY_INPUTS, type MemoryInstance } from './memory-instance.js';
import type { NodeDefinition } from './node-definition.js';

export const bufferMemory: NodeDefinition = {
  name: 'bufferMemory',
  label: 'Buffer Memory',
  version: 2,
  type: 'BufferMemory',
  description: "The whole conversation of the chat's session, read from the database.",
  icon: 'memory',
  category: 'Memory',
  baseClasses: ['BufferMemory', ...MEMORY_BASE_CLASSES],
  inputs: MEMORY_INPUTS,
  async build(ctx): Promise<MemoryInstance> {
    return {
      kind: 'memory',
      memoryKey: asString(ctx.inputs.memoryKey) ?? 'chat_history',
      label: ctx.label,
      async loadTurns(run) {
        if (run.sessionId === '') return [];
        const stored = await run.services.loadHistory(run.chatflowId, run.sessionId);
        return [...run.requestHistory, ...stored];
      },
    };
  },
};
