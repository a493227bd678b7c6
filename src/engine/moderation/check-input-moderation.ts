import type { RunContext } from '../nodes/node-definition.js';

/**
 * What moderation nodes build. `check` resolves with the text to pass on (usually the input itself)
 * or rejects with a ModerationRejection carrying the node's error message; any other rejection is a
 * failure of the moderation service and fails the run.
 */
export interface ModerationInstance {
  kind: 'moderation';
  check(input: string, ctx: RunContext): Promise<string>;
}

/** A moderation node refused the input; `message` is what the user gets as the answer. */
export class ModerationRejection extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModerationRejection';
  }
}

export function isModerationInstance(value: unknown): value is ModerationInstance {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'moderation';
}

export type ModerationOutcome = { rejected: false; question: string } | { rejected: true; message: string };

/** Flowise streams a moderation message split on whitespace, the whitespace kept as tokens of its own. */
export function streamWords(message: string, ctx: RunContext): void {
  const pieces = message.split(/(\s+)/).filter((piece) => piece !== '');
  ctx.sink.emit({ event: 'start', data: pieces[0] ?? '' });
  for (const piece of pieces) ctx.sink.emit({ event: 'token', data: piece });
}

/**
 * Runs a chain's or agent's `inputModeration` list (Flowise's `checkInputs`) over the question, in
 * order, each seeing the previous one's output. When one refuses, its message is the answer: it is
 * streamed word by word if the run streams, and the caller returns it without calling its model.
 * Chains and agents call this first (retrieval chains too); `moderations` is the resolved list input.
 */
export async function checkInputModeration(moderations: unknown, question: string, ctx: RunContext): Promise<ModerationOutcome> {
  const list = (Array.isArray(moderations) ? moderations.flat(Infinity) : [moderations]).filter(isModerationInstance);
  let text = question;
  for (const moderation of list) {
    try {
      text = await moderation.check(text, ctx);
    } catch (error) {
      if (!(error instanceof ModerationRejection)) throw error;
      if (ctx.streaming) streamWords(error.message, ctx);
      return { rejected: true, message: error.message };
    }
  }
  return { rejected: false, question: text };
}
