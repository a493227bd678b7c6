import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import { AppError, type ErrorCode, isAppError } from '../../shared/app-error.js';
import { isDatabaseUnavailable } from '../../storage/database.js';
import { mapFastifyError } from './fastify-errors.js';

/**
 * The one error body (api-contract.md §8.4). There is deliberately no field named `error`:
 * flowise-embed shows `body.error` instead of `body.message` when it exists, so the stable code lives
 * in `code` and `message` is what a chat widget shows. `nodeId` names the node of the flow the error is
 * about (an invalid flow), so a UI can point at it.
 */
export interface ErrorBody {
  statusCode: number;
  success: false;
  message: string;
  code: ErrorCode;
  nodeId?: string;
}

export function errorBody(status: number, code: ErrorCode, message: string, nodeId?: string): ErrorBody {
  return { statusCode: status, success: false, message, code, ...(nodeId ? { nodeId } : {}) };
}

export function sendError(reply: FastifyReply, status: number, code: ErrorCode, message: string, nodeId?: string): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(errorBody(status, code, message, nodeId));
}

export function zodMessage(error: ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'body'}: ${issue.message}`)
    .join('; ');
}

/** Maps any thrown error to HTTP, in exactly one place. 5xx bodies never carry internals. */
export function toHttpError(
  error: unknown,
  request?: FastifyRequest,
): { status: number; code: ErrorCode; message: string; internal: boolean; nodeId?: string } {
  if (isAppError(error)) {
    const internal = error.status >= 500 && error.code === 'INTERNAL';
    const nodeId = error.nodeId;
    return {
      status: error.status,
      code: error.code,
      message: internal ? 'Internal server error' : error.message,
      internal,
      ...(nodeId ? { nodeId } : {}),
    };
  }
  if (error instanceof ZodError) return { status: 400, code: 'VALIDATION_FAILED', message: zodMessage(error), internal: false };
  if (isDatabaseUnavailable(error)) {
    return { status: 503, code: 'DATABASE_UNAVAILABLE', message: 'The database is unavailable, try again shortly', internal: true };
  }
  const fromFastify = mapFastifyError(error, request);
  if (fromFastify) return { ...fromFastify, internal: fromFastify.status >= 500 };
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.statusCode === 413) {
    return { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'Request body is larger than BODY_LIMIT allows', internal: false };
  }
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return { status: fastifyError.statusCode, code: 'BAD_REQUEST', message: fastifyError.message ?? 'Bad request', internal: false };
  }
  return { status: 500, code: 'INTERNAL', message: 'Internal server error', internal: true };
}

/**
 * flowise-embed shows the raw text of a 401, 403 or 429 answer to its streaming request (it reads
 * `response.text()` where it expected an event stream), so to a request that asks only for
 * `text/event-stream` these come as the plain message (the code stays in `X-Error-Code`).
 */
const PLAIN_FOR_STREAM_REQUESTS = new Set([401, 403, 429]);

function asksForEventStreamOnly(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return accept.includes('text/event-stream') && !accept.includes('application/json');
}

/** Fastify's `frameworkErrors` option: the router's own refusals (bad percent-encoding, too long a parameter). */
export function sendFrameworkError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const mapped = toHttpError(error, request);
  request.log.debug({ code: mapped.code, reason: mapped.message }, 'request rejected');
  return sendError(reply, mapped.status, mapped.code, mapped.message);
}

/** `fallback` may answer unknown routes first (the web UI's client-side routes). */
export function registerErrorHandling(
  app: FastifyInstance,
  fallback?: (request: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined,
): void {
  app.setErrorHandler((error, request, reply) => {
    const mapped = toHttpError(error, request);
    // A waiting upsert that outlived UPSERT_TIMEOUT goes on (its job answers later): not a server fault.
    if (mapped.code === 'UPSERT_TIMEOUT') request.log.warn({ code: mapped.code, reason: mapped.message }, 'request timed out');
    // A provider's refusal (bad key, rate limit, its own 5xx) is answered 502 but is no fault of this server.
    else if (mapped.code === 'LLM_ERROR') request.log.warn({ code: mapped.code, reason: mapped.message }, 'provider call failed');
    else if (mapped.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.debug({ code: mapped.code, reason: mapped.message }, 'request rejected');
    if (reply.sent || reply.raw.headersSent) return;
    if (isAppError(error) && error.headers) reply.headers(error.headers);
    if (PLAIN_FOR_STREAM_REQUESTS.has(mapped.status) && asksForEventStreamOnly(request)) {
      return reply.code(mapped.status).header('X-Error-Code', mapped.code).type('text/plain; charset=utf-8').send(mapped.message);
    }
    return sendError(reply, mapped.status, mapped.code, mapped.message, mapped.nodeId);
  });
  app.setNotFoundHandler(
    (request, reply) =>
      fallback?.(request, reply) ?? sendError(reply, 404, 'NOT_FOUND', `Route ${request.method} ${request.url.split('?')[0]} not found`),
  );
}

export { AppError };
