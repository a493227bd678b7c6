import type { z } from 'zod';
import { isOriginEntry } from '../services/allowed-origins.js';

/**
 * Checks of the security settings inside a chatflow's JSON-string fields, so the server never stores one it
 * would silently treat as off: `chatbotConfig.allowedOrigins` (an array of origins or hosts, as
 * allowed-origins.ts reads them; empty strings, as Flowise's UI leaves them, are ignored) and an enabled
 * `apiConfig.rateLimit` (`limitMax` a whole number above 0, `limitDuration` seconds above 0, as numbers or as
 * the strings Flowise's UI saves). Text that is not a JSON object is left to the readers, which ignore it.
 */
function parsedObject(text: string | null): Record<string, unknown> | undefined {
  if (text === null) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const numberOf = (value: unknown): number => (typeof value === 'string' && value.trim() !== '' ? Number(value) : typeof value === 'number' ? value : Number.NaN);

export function checkChatbotConfig(text: string | null, ctx: z.RefinementCtx): void {
  const origins = parsedObject(text)?.allowedOrigins;
  if (origins === undefined || origins === null) return;
  const hint = 'write https://example.com, example.com or *';
  if (!Array.isArray(origins)) {
    ctx.addIssue({ code: 'custom', path: ['allowedOrigins'], message: `must be an array of origins or hosts (${hint})` });
    return;
  }
  const bad = origins.filter((entry) => typeof entry !== 'string' || (entry.trim() !== '' && !isOriginEntry(entry)));
  if (bad.length > 0) {
    ctx.addIssue({ code: 'custom', path: ['allowedOrigins'], message: `not an origin or host: ${bad.map((b) => JSON.stringify(b)).join(', ')} (${hint})` });
  }
}

export function checkApiConfig(text: string | null, ctx: z.RefinementCtx): void {
  const rateLimit = parsedObject(text)?.rateLimit;
  if (rateLimit === undefined || rateLimit === null) return;
  if (typeof rateLimit !== 'object' || Array.isArray(rateLimit)) {
    ctx.addIssue({ code: 'custom', path: ['rateLimit'], message: 'must be an object {status, limitMax, limitDuration, limitMsg}' });
    return;
  }
  const limit = rateLimit as Record<string, unknown>;
  if (limit.status !== true && limit.status !== 'true') return;
  const max = numberOf(limit.limitMax);
  if (!(Number.isInteger(max) && max > 0)) {
    ctx.addIssue({ code: 'custom', path: ['rateLimit', 'limitMax'], message: `must be a whole number above 0 while the limit is on (got ${JSON.stringify(limit.limitMax ?? null)})` });
  }
  const seconds = numberOf(limit.limitDuration);
  if (!(Number.isFinite(seconds) && seconds > 0)) {
    ctx.addIssue({ code: 'custom', path: ['rateLimit', 'limitDuration'], message: `must be a number of seconds above 0 while the limit is on (got ${JSON.stringify(limit.limitDuration ?? null)})` });
  }
}
