import { z } from 'zod';

/** A list query value: `A`, `A,B` or `["A","B"]`, each one of `allowed` (Flowise's enums). */
export function listParam<const T extends readonly [string, ...string[]]>(allowed: T) {
  const message = `must be ${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}, or a list of them (A,B or ["A","B"])`;
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (!value) return undefined;
      let items: string[] | undefined;
      if (value.startsWith('[')) {
        try {
          const parsed = JSON.parse(value) as unknown;
          if (Array.isArray(parsed)) items = parsed.map(String);
        } catch {
          // fall through to comma splitting
        }
      }
      items ??= value.split(',').map((s) => s.trim()).filter(Boolean);
      const unknown = items.filter((item) => !(allowed as readonly string[]).includes(item));
      if (unknown.length > 0) ctx.addIssue({ code: 'custom', message: `${message}; got ${unknown.map((u) => JSON.stringify(u.slice(0, 50))).join(', ')}` });
      return items as Array<T[number]>;
    });
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

/** Flowise's `?page=` (from 1). */
export const pageParam = z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(1, 'must be at least 1');

/** A `?limit=` between 1 and `max`. */
export const limitParam = (max: number) => pageParam.max(max, `must be at most ${max}`);
