import { z } from 'zod';

/** A list query value: `A`, `A,B` or `["A","B"]`, each one of `allowed` (Flowise's enums). */
export function listParam<const T extends readonly [string, ...string[]]>(allowed: T) {
  const message = `must be ${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}, or a list of them (A,B or ["A","B"])`;
  // Repeated parameters (`?status=A&status=B`, how HTML forms send a list) arrive as an array.
  return z
    .union([z.string(), z.array(z.string())], { error: message })
    .optional()
    .transform((raw, ctx) => {
      const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => Boolean(v));
      if (values.length === 0) return undefined;
      const items = values.flatMap(listItems);
      const unknown = items.filter((item) => !(allowed as readonly string[]).includes(item));
      if (unknown.length > 0) ctx.addIssue({ code: 'custom', message: `${message}; got ${unknown.map((u) => JSON.stringify(u.slice(0, 50))).join(', ')}` });
      return items as Array<T[number]>;
    });
}

/** The items of one list value: `["A","B"]` (JSON) or `A,B`. */
function listItems(value: string): string[] {
  if (value.startsWith('[')) {
    try {
      const parsed = JSON.parse(value) as unknown;
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      // fall through to comma splitting
    }
  }
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

const DATE_MESSAGE = 'must be a date, e.g. 2024-05-01 or 2024-05-01T12:00:00Z';

/** A date as `new Date()` reads it (Flowise's parsing), compared as ISO 8601 text with the stored dates. */
export const dateParam = z
  .string()
  .optional()
  .refine((value) => value === undefined || !Number.isNaN(Date.parse(value)), DATE_MESSAGE)
  .transform((value) => (value ? new Date(value).toISOString() : undefined));

/**
 * The upper bound of a date range: as `dateParam`, but a date without a time (`2024-05-01`) means the end
 * of that UTC day (`2024-05-01T23:59:59.999Z`), so `from=D&to=D` is the whole day D.
 */
export const dateEndParam = z
  .string()
  .optional()
  .refine((value) => value === undefined || !Number.isNaN(Date.parse(value)), DATE_MESSAGE)
  .transform((value) => {
    if (!value) return undefined;
    const end = new Date(value);
    if (/^\d{4}-\d{2}-\d{2}$/.test(value.trim())) end.setUTCHours(23, 59, 59, 999);
    return end.toISOString();
  });

/** Ids a client chose (chatId, sessionId) are at most as long as a prediction allows. */
export const idParam = z.string().max(500, 'must be at most 500 characters').optional();

/** A whole number from 1 to `max`, with one message saying what is wrong (a huge number is "at most", not "not whole"). */
const wholeFrom1 = (max: number) =>
  z.coerce.number({ error: 'must be a whole number' }).transform((n, ctx) => {
    if (n > max) ctx.addIssue({ code: 'custom', message: `must be at most ${max}` });
    else if (!Number.isInteger(n)) ctx.addIssue({ code: 'custom', message: 'must be a whole number' });
    else if (n < 1) ctx.addIssue({ code: 'custom', message: 'must be at least 1' });
    return n;
  });

/** Flowise's `?page=` (from 1). */
export const pageParam = wholeFrom1(Number.MAX_SAFE_INTEGER);

/** A `?limit=` between 1 and `max`. */
export const limitParam = (max: number) => wholeFrom1(max);
