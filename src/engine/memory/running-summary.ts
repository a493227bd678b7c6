import { createHash } from 'node:crypto';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { ChatTurn, RunContext } from '../nodes/node-definition.js';
import { approximateTokenCount } from '../nodes/offline-token-count.js';
import { messageClasses } from '../prompts/messages.js';
import { callChatModel } from '../run/call-model.js';
import type { SessionSummary, SummaryKey } from './summary-store.js';

/** `Human: …` / `AI: …` lines, as LangChain's summary memories write a conversation. */
export const conversationLines = (turns: ChatTurn[]) =>
  turns.map((turn) => `${turn.role === 'userMessage' ? 'Human' : 'AI'}: ${turn.content}`).join('\n');

/** Tokens of a stretch of conversation, counted offline (4 characters a token, see offline-token-count). */
export const conversationTokens = (turns: ChatTurn[]) => approximateTokenCount(conversationLines(turns));

function digest(turns: ChatTurn[]): string {
  const hash = createHash('sha256');
  for (const turn of turns) hash.update(turn.role).update('\0').update(turn.content).update('\0');
  return hash.digest('base64');
}

/** Our wording of LangChain's progressive-summary prompt. */
function summaryRequest(previous: string, lines: string): string {
  return [
    'Keep a running summary of a conversation. Extend the current summary with the new lines and reply with the new summary only.',
    '',
    'Current summary:',
    previous === '' ? '(none yet)' : previous,
    '',
    'New lines of the conversation:',
    lines,
    '',
    'New summary:',
  ].join('\n');
}

/** One summarising call (never streamed): the previous summary extended by `turns`. */
export async function extendSummary(model: BaseChatModel, previous: string, turns: ChatTurn[], ctx: RunContext): Promise<string> {
  const { HumanMessage } = await messageClasses();
  return (await callChatModel(model, [new HumanMessage(summaryRequest(previous, conversationLines(turns)))], ctx, false)).trim();
}

/**
 * A session's stored messages and the summary state that is still valid for them: the persisted
 * summary when the messages it covers are unchanged, else an empty one (messages were deleted).
 */
export async function loadSummaryState(key: SummaryKey, ctx: RunContext): Promise<{ stored: ChatTurn[]; state: SessionSummary }> {
  const stored = await ctx.services.loadHistory(ctx.chatflowId, ctx.sessionId);
  const saved = await ctx.services.summaries?.get(key);
  const valid = saved && saved.coveredCount <= stored.length && digest(stored.slice(0, saved.coveredCount)) === saved.coveredDigest;
  return { stored, state: valid ? saved : { summary: '', coveredCount: 0, coveredDigest: digest([]) } };
}

/** Persists a summary covering the first `coveredCount` of `stored` (a no-op without a store). */
export async function saveSummary(key: SummaryKey, summary: string, stored: ChatTurn[], coveredCount: number, ctx: RunContext): Promise<SessionSummary> {
  const state = { summary, coveredCount, coveredDigest: digest(stored.slice(0, coveredCount)) };
  await ctx.services.summaries?.put(key, state);
  return state;
}
