import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { conversationTokens, extendSummary, loadSummaryState, saveSummary } from '../memory/running-summary.js';
import type { SummaryKey } from '../memory/summary-store.js';
import { asNumber, asString } from './input-values.js';
import { MEMORY_BASE_CLASSES, MEMORY_INPUTS, type MemoryInstance } from './memory-instance.js';
import type { BuildContext, ChatTurn, NodeDefinition, RunContext } from './node-definition.js';

const MODEL_INPUT = { name: 'model', kind: 'anchor', type: 'BaseChatModel', label: 'Chat Model', description: 'Writes the summaries (one call per new exchange, not streamed)' } as const;

const keyOf = (ctx: BuildContext, run: RunContext): SummaryKey => ({ chatflowId: run.chatflowId, sessionId: run.sessionId, nodeId: ctx.nodeId });

/** The memory interface over a `summarized` loader: `{{chat_history}}` shows the summary as one AI turn. */
function summaryMemory(ctx: BuildContext, summarized: (run: RunContext) => Promise<{ summary: string; turns: ChatTurn[] }>): MemoryInstance {
  return {
    kind: 'memory',
    memoryKey: asString(ctx.inputs.memoryKey) ?? 'chat_history',
    label: ctx.label,
    loadSummarized: summarized,
    async loadTurns(run) {
      const { summary, turns } = await summarized(run);
      return summary === '' ? turns : [{ role: 'apiMessage', content: summary }, ...turns];
    },
  };
}

export const conversationSummaryMemory: NodeDefinition = {
  name: 'conversationSummaryMemory',
  label: 'Conversation Summary Memory',
  version: 2,
  type: 'ConversationSummaryMemory',
  description: 'Gives the model a running summary of the conversation instead of the messages; the summary is kept in the database.',
  icon: 'memory',
  category: 'Memory',
  baseClasses: ['ConversationSummaryMemory', 'BaseConversationSummaryMemory', ...MEMORY_BASE_CLASSES],
  inputs: [MODEL_INPUT, ...MEMORY_INPUTS],
  async build(ctx): Promise<MemoryInstance> {
    const model = ctx.inputs.model as BaseChatModel;
    return summaryMemory(ctx, async (run) => {
      if (run.sessionId === '') return { summary: '', turns: [...run.requestHistory] };
      const key = keyOf(ctx, run);
      const { stored, state } = await loadSummaryState(key, run);
      let summary = state.summary;
      // Every stored message not yet in the summary is folded into it, so it never goes stale.
      if (state.coveredCount < stored.length) {
        summary = await extendSummary(model, summary, stored.slice(state.coveredCount), run);
        await saveSummary(key, summary, stored, stored.length, run);
      }
      return { summary, turns: [...run.requestHistory] };
    });
  },
};

export const conversationSummaryBufferMemory: NodeDefinition = {
  name: 'conversationSummaryBufferMemory',
  label: 'Conversation Summary Buffer Memory',
  version: 1,
  type: 'ConversationSummaryBufferMemory',
  description: 'Keeps the latest messages word for word and summarises older ones once they pass a token limit; the summary is kept in the database.',
  icon: 'memory',
  category: 'Memory',
  baseClasses: ['ConversationSummaryBufferMemory', 'BaseConversationSummaryMemory', ...MEMORY_BASE_CLASSES],
  inputs: [
    MODEL_INPUT,
    {
      name: 'maxTokenLimit',
      kind: 'param',
      type: 'number',
      label: 'Max Token Limit',
      optional: true,
      default: 2000,
      step: 1,
      description: 'Older messages are summarised once the recent ones pass this many tokens (counted as 4 characters a token)',
    },
    ...MEMORY_INPUTS,
  ],
  async build(ctx): Promise<MemoryInstance> {
    const model = ctx.inputs.model as BaseChatModel;
    const limit = Math.max(0, asNumber(ctx.inputs.maxTokenLimit) ?? 2000);
    return summaryMemory(ctx, async (run) => {
      if (run.sessionId === '') return { summary: '', turns: [...run.requestHistory] };
      const key = keyOf(ctx, run);
      const { stored, state } = await loadSummaryState(key, run);
      let covered = state.coveredCount;
      let summary = state.summary;
      const buffer = stored.slice(covered);
      const pruned: ChatTurn[] = [];
      while (buffer.length > 0 && conversationTokens(buffer) > limit) pruned.push(buffer.shift()!);
      if (pruned.length > 0) {
        summary = await extendSummary(model, summary, pruned, run);
        covered += pruned.length;
        await saveSummary(key, summary, stored, covered, run);
      }
      return { summary, turns: [...run.requestHistory, ...buffer] };
    });
  },
};
