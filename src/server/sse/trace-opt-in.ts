import type { FastifyRequest } from 'fastify';
import { AppError } from '../../shared/app-error.js';

/** The request header that asks an SSE stream for the per-node trace (`node` events). */
export const TRACE_HEADER = 'x-aim-trace';

/**
 * Whether a streaming request asked for `node` events: header `X-Aim-Trace: true` or query
 * `?trace=true` (`1`/`0` and `false` too). Off by default, so Flowise clients get their usual stream.
 * Any other value is a 400 naming the field.
 */
export function wantsTrace(request: FastifyRequest): boolean {
  const header = request.headers[TRACE_HEADER];
  const query = (request.query as { trace?: unknown } | undefined)?.trace;
  const fromHeader = parseFlag(Array.isArray(header) ? header[0] : header, 'X-Aim-Trace header');
  const fromQuery = parseFlag(Array.isArray(query) ? query[0] : query, 'trace query parameter');
  return fromHeader || fromQuery;
}

function parseFlag(raw: unknown, name: string): boolean {
  if (raw === undefined) return false;
  const text = String(raw).trim().toLowerCase();
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0' || text === '') return false;
  throw new AppError('VALIDATION_FAILED', 400, `${name}: must be true or false`);
}
