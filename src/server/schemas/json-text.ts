import { z } from 'zod';

/**
 * A field that may arrive as a JSON string (multipart forms, Flowise's UI sending JSON columns as
 * text) or as the value itself: a string is parsed when it is JSON and left as it is otherwise, so
 * `schema` reports the mismatch. With `emptyIsNull`, an empty string reads as null (a cleared column).
 */
export function jsonText<T extends z.ZodType>(schema: T, options: { emptyIsNull?: boolean } = {}) {
  return z.preprocess((value) => {
    if (typeof value !== 'string') return value;
    if (options.emptyIsNull && value.trim() === '') return null;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }, schema);
}
