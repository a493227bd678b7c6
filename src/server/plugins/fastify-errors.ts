import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyRequest } from 'fastify';
import type { ErrorCode } from '../../shared/app-error.js';
import { type UnreadBodyLimits, boundDrain } from './unread-body.js';

/**
 * The longest URL path parameter (a chatflow id, a document store id, a node name) the router accepts;
 * longer answers 414 URI_TOO_LONG. Ids are at most 200 characters; Fastify's default of 100 cut them.
 */
export const MAX_URL_PARAM_LENGTH = 500;

export interface MappedFastifyError {
  status: number;
  code: ErrorCode;
  message: string;
}

const TOO_LARGE = 'Request body is larger than BODY_LIMIT allows';

type Describe = (error: Partial<FastifyError>, request?: FastifyRequest) => MappedFastifyError;

const fixed =
  (status: number, code: ErrorCode, message: string): Describe =>
  () => ({ status, code, message });

const pathOf = (request?: FastifyRequest) => (request ? request.url.split('?')[0]!.slice(0, 200) : 'the URL');

/**
 * Every error Fastify and its plugins (@fastify/multipart) raise for a request, by code, as our error
 * shape with a message that says what to change. Codes not listed (errors of our own setup, not of a
 * request) fall back on their status: 4xx keeps Fastify's message, 5xx is INTERNAL.
 */
const FASTIFY_ERRORS: Record<string, Describe> = {
  FST_ERR_CTP_INVALID_JSON_BODY: fixed(400, 'INVALID_JSON', 'Request body is not valid JSON'),
  FST_ERR_CTP_EMPTY_JSON_BODY: fixed(400, 'INVALID_JSON', 'Request body is empty but Content-Type says application/json'),
  FST_ERR_CTP_BODY_TOO_LARGE: fixed(413, 'PAYLOAD_TOO_LARGE', TOO_LARGE),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: (_error, request) => ({
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: `Content-Type ${request?.headers['content-type'] ? `"${request.headers['content-type'].slice(0, 100)}"` : '(none)'} is not accepted: send application/json, or multipart/form-data where files are taken`,
  }),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: fixed(400, 'BAD_REQUEST', 'Request body size does not match its Content-Length header'),
  FST_ERR_VALIDATION: (error) => ({ status: 400, code: 'VALIDATION_FAILED', message: error.message ?? 'Request is not valid' }),
  FST_ERR_NOT_FOUND: (_error, request) => ({ status: 404, code: 'NOT_FOUND', message: `Route ${request?.method ?? ''} ${pathOf(request)} not found`.replace('  ', ' ') }),
  FST_ERR_BAD_URL: (_error, request) => ({
    status: 400,
    code: 'BAD_REQUEST',
    message: `URL path ${pathOf(request)} is not valid: a "%" must be followed by two hexadecimal digits of UTF-8`,
  }),
  FST_ERR_INVALID_URL: fixed(400, 'BAD_REQUEST', 'The request URL is not valid'),
  FST_ERR_MAX_PARAM_LENGTH: fixed(414, 'URI_TOO_LONG', `A URL path parameter is longer than ${MAX_URL_PARAM_LENGTH} characters, the most this server accepts`),
  FST_ERR_ROUTE_MISSING_CONTENT_TYPE: (_error, request) => ({
    status: 400,
    code: 'BAD_REQUEST',
    message: `${request?.method ?? 'This'} request needs a Content-Type header`,
  }),
  FST_ERR_ROUTE_MISSING_CONTENT: (_error, request) => ({ status: 400, code: 'BAD_REQUEST', message: `${request?.method ?? 'This'} request needs a body` }),
  // @fastify/multipart: its own limits (ours are checked first in read-multipart.ts) and malformed forms
  FST_REQ_FILE_TOO_LARGE: fixed(413, 'PAYLOAD_TOO_LARGE', TOO_LARGE),
  FST_PARTS_LIMIT: fixed(413, 'PAYLOAD_TOO_LARGE', 'The form has more than 1000 parts, the most a request may have'),
  FST_FILES_LIMIT: fixed(413, 'PAYLOAD_TOO_LARGE', 'The form has more files than a request may have'),
  FST_FIELDS_LIMIT: fixed(413, 'PAYLOAD_TOO_LARGE', 'The form has more fields than a request may have'),
  FST_PROTO_VIOLATION: fixed(400, 'BAD_REQUEST', 'A form field is named like a property of every object (__proto__, constructor, …), which is not allowed'),
  FST_INVALID_MULTIPART_CONTENT_TYPE: fixed(415, 'UNSUPPORTED_MEDIA_TYPE', 'This route takes multipart/form-data'),
  FST_INVALID_JSON_FIELD_ERROR: fixed(400, 'INVALID_JSON', 'A form field sent as application/json is not valid JSON'),
  FST_MP_PREMATURE_CLOSE: fixed(400, 'BAD_REQUEST', 'The request ended before its multipart body was complete'),
};

/** Our shape for an error raised by Fastify or one of its plugins (a code starting with FST_), else undefined. */
export function mapFastifyError(error: unknown, request?: FastifyRequest): MappedFastifyError | undefined {
  const fastifyError = error as Partial<FastifyError> | null;
  const code = fastifyError?.code;
  if (typeof code !== 'string' || !code.startsWith('FST_')) return undefined;
  const describe = FASTIFY_ERRORS[code];
  if (describe) return describe(fastifyError!, request);
  const status = fastifyError!.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, code: 'BAD_REQUEST', message: fastifyError!.message ?? 'Bad request' };
  }
  return { status: 500, code: 'INTERNAL', message: 'Internal server error' };
}

const CLIENT_ERRORS: Record<string, MappedFastifyError> = {
  HPE_HEADER_OVERFLOW: { status: 431, code: 'HEADERS_TOO_LARGE', message: 'The request headers are larger than the server accepts (Node.js allows 16 KiB by default)' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: 'REQUEST_TIMEOUT', message: 'The request was not received in time' },
};

/**
 * Node's HTTP parser refused a request before Fastify saw it (malformed HTTP, headers too large): the
 * answer is written on the socket in our error shape, then the connection closes, as Node does.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const mapped = CLIENT_ERRORS[error.code ?? ''] ?? { status: 400, code: 'BAD_REQUEST', message: 'The request is not valid HTTP/1.1' };
  const body = JSON.stringify({ statusCode: mapped.status, success: false, message: mapped.message, code: mapped.code });
  if (!socket.writable) {
    socket.destroy(error);
    return;
  }
  socket.end(
    `HTTP/1.1 ${mapped.status} ${STATUS_CODES[mapped.status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  // Closing with unread bytes makes the kernel send a reset, which can reach the client before the answer
  // (Node 24 closes at once): read and discard what the client still sends, within a bound and a deadline.
  socket.once('close', boundDrain(socket, socket, CLIENT_ERROR_DRAIN));
  socket.resume();
}

/** How long and how much a refused connection is drained before it is destroyed. */
const CLIENT_ERROR_DRAIN: UnreadBodyLimits = { deadlineMs: 5000, maxBytes: 1024 * 1024 };

