import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import { AppError, type ErrorCode, isAppError } from '../../shared/app-error.js';
import { isDatabaseUnavailable } from '../../storage/database.js';

/** The one error body (api-contract.md §8.4). */
export interface ErrorBody {
  statusCode: number;
  success: false;
  message: string;
  error: ErrorCode;
}

export function errorBody(status: number, code: ErrorCode, message: string): ErrorBody {
  return { statusCode: status, success: false, message, error: code };
}

export function sendError(reply: FastifyReply, status: number, code: ErrorCode, message: string): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(errorBody(status, code, message));
}

export function zodMessage(error: ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'body'}: ${issue.message}`)
    .join('; ');
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_VALIDATION: 'VALIDATION_FAILED',
};

/** Maps any thrown error to HTTP, in exactly one place. 5xx bodies never carry internals. */
export function toHttpError(error: unknown): { status: number; code: ErrorCode; message: string; internal: boolean } {
  if (isAppError(error)) {
    const internal = error.status >= 500 && error.code === 'INTERNAL';
    return { status: error.status, code: error.code, message: internal ? 'Internal server error' : error.message, internal };
  }
  if (error instanceof ZodError) return { status: 400, code: 'VALIDATION_FAILED', message: zodMessage(error), internal: false };
  if (isDatabaseUnavailable(error)) {
    return { status: 503, code: 'DATABASE_UNAVAILABLE', message: 'The database is unavailable, try again shortly', internal: true };
  }
  const fastifyError = error as Partial<FastifyError>;
  if (typeof fastifyError.code === 'string' && FASTIFY_CODES[fastifyError.code]) {
    const code = FASTIFY_CODES[fastifyError.code]!;
    let message = fastifyError.message ?? 'Bad request';
    if (code === 'INVALID_JSON') message = `Request body is not valid JSON: ${message}`;
    if (code === 'PAYLOAD_TOO_LARGE') message = 'Request body is larger than BODY_LIMIT allows';
    return { status: fastifyError.statusCode ?? 400, code, message, internal: false };
  }
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return { status: fastifyError.statusCode, code: 'BAD_REQUEST', message: fastifyError.message ?? 'Bad request', internal: false };
  }
  return { status: 500, code: 'INTERNAL', message: 'Internal server error', internal: true };
}

/** `fallback` may answer unknown routes first (the web UI's client-side routes). */
export function registerErrorHandling(
  app: FastifyInstance,
  fallback?: (request: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined,
): void {
  app.setErrorHandler((error, request, reply) => {
    const mapped = toHttpError(error);
    if (mapped.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.debug({ code: mapped.code, reason: mapped.message }, 'request rejected');
    if (reply.sent || reply.raw.headersSent) return;
    return sendError(reply, mapped.status, mapped.code, mapped.message);
  });
  app.setNotFoundHandler(
    (request, reply) =>
      fallback?.(request, reply) ?? sendError(reply, 404, 'NOT_FOUND', `Route ${request.method} ${request.url.split('?')[0]} not found`),
  );
}

export { AppError };
