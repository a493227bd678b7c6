import { jsonrepair } from 'jsonrepair';
import { AppError } from '../../shared/app-error.js';

/**
 * What output parser nodes build: the instructions llmChain appends to its prompt, and `parse`, which
 * turns the model's text into the answer's `json` value or throws OutputParseError.
 */
export interface OutputParserInstance {
  kind: 'outputParser';
  /** Flowise's `autofixParser`: on a parse error, ask the same model once to fix its answer. */
  autofix: boolean;
  formatInstructions: string;
  parse(text: string): unknown;
}

export function isOutputParserInstance(value: unknown): value is OutputParserInstance {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'outputParser';
}

/** The model's answer did not have the shape the output parser asked for (after autofix, if on). */
export class OutputParseError extends AppError {
  constructor(message: string, readonly llmOutput: string) {
    super('OUTPUT_PARSER_FAILED', 502, message);
    this.name = 'OutputParseError';
  }
}

/**
 * JSON out of model text: the body of a Markdown code fence if there is one, then jsonrepair for what
 * models get wrong (single quotes, trailing commas, missing brackets, comments). Throws OutputParseError.
 */
export function parseJsonText(text: string): unknown {
  const fenced = /```(?:json|JSON)?\s*\n?([\s\S]*?)(?:```|$)/.exec(text);
  const body = (fenced ? fenced[1]! : text).trim();
  try {
    return JSON.parse(jsonrepair(body)) as unknown;
  } catch (error) {
    throw new OutputParseError(`The model's answer is not JSON: ${(error as Error).message}`, text);
  }
}
