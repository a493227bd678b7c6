import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { BaseMessage, MessageContent } from '@langchain/core/messages';
import { isAppError } from '../../shared/app-error.js';
import { LlmCallError, RunAbortedError } from '../errors.js';
import type { RunContext } from '../nodes/node-definition.js';
import { withLlmRetries } from './llm-retry.js';
import { traced } from './node-tracer.js';

/** The text of a message's content; reasoning and thinking blocks are not part of the answer. */
export function contentText(content: MessageContent): string {
  if (typeof content === 'string') return content;
  let text = '';
  for (const block of content as unknown[]) {
    if (typeof block === 'string') {
      text += block;
      continue;
    }
    const typed = block as { type?: unknown; text?: unknown };
    if (typed.type === 'text' && typeof typed.text === 'string') text += typed.text;
  }
  return text;
}

/** The error to raise when the run's signal fired: its reason (abort or timeout) if we set one. */
export function abortReason(signal: AbortSignal): Error {
  return isAppError(signal.reason) ? signal.reason : new RunAbortedError();
}

/** `LLM call failed: <status> <message> (<cause code>)`; the status once, though SDKs (OpenAI's) start their message with it. */
function describeLlmError(error: unknown): string {
  const e = error as { status?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown }; name?: unknown };
  const cause = e.cause && typeof e.cause.code === 'string' ? ` (${e.cause.code})` : '';
  const message = typeof e.message === 'string' && e.message !== '' ? e.message : String(error);
  const saysStatus = typeof e.status === 'number' && (message === String(e.status) || message.startsWith(`${e.status} `));
  const status = typeof e.status === 'number' && !saysStatus ? `${e.status} ` : '';
  return `LLM call failed: ${status}${message}${cause}`;
}

/** Maps whatever a provider SDK threw to our errors: abort/timeout by the run's signal, else LlmCallError. */
export function toLlmError(error: unknown, signal: AbortSignal): Error {
  if (signal.aborted) return abortReason(signal);
  if (isAppError(error)) return error;
  return new LlmCallError(describeLlmError(error), { cause: error });
}

/**
 * Calls a chat model, retried as `withLlmRetries` says (LLM_MAX_RETRIES) while no token has been shown.
 * Streaming runs emit `start` (carrying the first token, not part of the text) before the first `token`,
 * as Flowise clients require (api-contract.md §5 rule 3).
 */
export async function callChatModel(
  model: BaseChatModel,
  messages: BaseMessage[],
  ctx: RunContext,
  stream: boolean,
): Promise<string> {
  ctx.signal.throwIfAborted();
  let started = false;
  const attempt = async (): Promise<string> => {
    if (!stream) {
      const reply = await model.invoke(messages, { signal: ctx.signal });
      return contentText(reply.content);
    }
    let text = '';
    const chunks = await model.stream(messages, { signal: ctx.signal });
    for await (const chunk of chunks) {
      const piece = contentText(chunk.content);
      if (piece === '') continue;
      if (!started) {
        ctx.sink.emit({ event: 'start', data: piece });
        started = true;
      }
      ctx.sink.emit({ event: 'token', data: piece });
      text += piece;
    }
    if (!started) ctx.sink.emit({ event: 'start', data: '' });
    return text;
  };
  try {
    // Timed as the chat model node's span: the time an answer waits on its LLM lands on that node.
    return await traced(ctx.trace, model, () => withLlmRetries(attempt, { maxRetries: ctx.services.llm.maxRetries, signal: ctx.signal, retryable: () => !started }));
  } catch (error) {
    throw toLlmError(error, ctx.signal);
  }
}
