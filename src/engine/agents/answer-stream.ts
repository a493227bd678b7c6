import type { RunContext } from '../nodes/node-definition.js';

const OPEN = '<thinking>';
const CLOSE = '</thinking>';

/** Removes `<thinking>…</thinking>` blocks (some models reason aloud in them; Flowise drops them). */
export function stripThinking(text: string): string {
  return text.replace(/<thinking>[\s\S]*?<\/thinking>/g, '');
}

/** The longest end of `text` that could be the start of `tag` (held back until the next piece decides). */
function partialTagSuffix(text: string, tag: string): number {
  for (let length = Math.min(tag.length - 1, text.length); length > 0; length -= 1) {
    if (tag.startsWith(text.slice(-length))) return length;
  }
  return 0;
}

/**
 * The answer as a client sees it: pieces of model text go in, `<thinking>` blocks are cut out even when
 * a tag is split across pieces, and what is left is emitted as tokens (`start` before the first, as the
 * SSE contract requires) when the run streams. `text` is exactly what was (or would have been) emitted,
 * so the stored answer equals the concatenated tokens.
 */
export class AnswerStream {
  private pending = '';
  private inThinking = false;
  private started = false;
  private turnStarted = false;
  text = '';

  constructor(private readonly ctx: RunContext, private readonly streaming: boolean) {}

  /** Adds model output; emits what can no longer be part of a thinking tag. */
  push(piece: string): void {
    this.pending += piece;
    let out = '';
    for (;;) {
      if (this.inThinking) {
        const close = this.pending.indexOf(CLOSE);
        if (close === -1) {
          // Keep only what might be the start of the closing tag.
          this.pending = this.pending.slice(this.pending.length - partialTagSuffix(this.pending, CLOSE));
          break;
        }
        this.pending = this.pending.slice(close + CLOSE.length);
        this.inThinking = false;
        continue;
      }
      const open = this.pending.indexOf(OPEN);
      if (open !== -1) {
        out += this.pending.slice(0, open);
        this.pending = this.pending.slice(open + OPEN.length);
        this.inThinking = true;
        continue;
      }
      const hold = partialTagSuffix(this.pending, OPEN);
      out += this.pending.slice(0, this.pending.length - hold);
      this.pending = this.pending.slice(this.pending.length - hold);
      break;
    }
    this.emit(out);
  }

  /**
   * A new model turn (or a tool's direct answer) begins: its first text is set apart from what earlier
   * turns wrote by a blank line, so "I'll look that up." and the answer do not run together.
   */
  nextTurn(): void {
    this.flush();
    this.turnStarted = false;
  }

  /** Whole text that is not model output (a tool's direct answer, a fixed message): emitted as one token. */
  pushVerbatim(text: string): void {
    this.nextTurn();
    this.emit(text);
  }

  /** Ends the answer: releases a held-back partial tag (it was not one) and emits `start` if nothing did. */
  finish(): string {
    this.flush();
    if (this.streaming && !this.started) {
      this.ctx.sink.emit({ event: 'start', data: '' });
      this.started = true;
    }
    return this.text;
  }

  private flush(): void {
    if (!this.inThinking && this.pending !== '') this.emit(this.pending);
    this.pending = '';
  }

  private emit(text: string): void {
    if (text === '') return;
    let piece = text;
    if (!this.turnStarted) {
      this.turnStarted = true;
      if (this.text !== '' && !/\s$/.test(this.text)) piece = `\n\n${piece}`;
    }
    this.text += piece;
    if (!this.streaming) return;
    if (!this.started) {
      this.ctx.sink.emit({ event: 'start', data: piece });
      this.started = true;
    }
    this.ctx.sink.emit({ event: 'token', data: piece });
  }
}
