import { z } from 'zod';
import { jsonTextProblem, tryParseJson } from './json-limits.js';

/**
 * A field that may arrive as a JSON string (multipart forms, Flowise's UI sending JSON columns as
 * text) or as the value itself: a string is parsed when it is JSON and left as it is otherwise, so
 * `schema` reports the mismatch. With `emptyIsNull`, an empty string reads as null (a cleared column).
 * Parsed JSON nested deeper than MAX_JSON_DEPTH, with a __proto__/constructor key or a NUL character is an issue.
 */
export function jsonText<T extends z.ZodType>(schema: T, options: { emptyIsNull?: boolean } = {}) {
  return z.preprocess((value, ctx) => {
    if (typeof value !== 'string') return value;
    if (options.emptyIsNull && value.trim() === '') return null;
    const parsed = tryParseJson(value);
    if (!parsed) return value;
    // Checked like a JSON body (input-guards.ts): a form field's JSON is as deep as the sender likes.
    const problem = jsonTextProblem(parsed, { nul: true });
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
    return parsed.value;
  }, schema);
}
