/**
 * Every error we raise on purpose: a stable machine code, the HTTP status it maps to, and a message
 * that is safe to show to a client. The mapping to HTTP happens in one place (server/plugins/errors).
 */
export type ErrorCode =
  | 'BAD_REQUEST'
  | 'INVALID_JSON'
  | 'VALIDATION_FAILED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CHATFLOW_NOT_FOUND'
  | 'CREDENTIAL_NOT_FOUND'
  | 'APIKEY_NOT_FOUND'
  | 'FEEDBACK_NOT_FOUND'
  | 'RUN_NOT_FOUND'
  | 'INVALID_FLOW'
  | 'INVALID_FLOW_DATA'
  | 'CONFLICT'
  | 'CREDENTIAL_DECRYPT_FAILED'
  | 'LLM_ERROR'
  | 'PREDICTION_TIMEOUT'
  | 'RUN_ABORTED'
  | 'QUEUE_UNAVAILABLE'
  | 'DATABASE_UNAVAILABLE'
  | 'SHUTTING_DOWN'
  | 'INTERNAL'
  // agents branch
  | 'OUTPUT_PARSER_FAILED'
  // sandbox branch
  | 'TOOL_NOT_FOUND'
  | 'VARIABLE_NOT_FOUND'
  // rag-engine and rag-files branches
  | 'UPLOAD_TOO_LARGE'
  | 'UNSUPPORTED_FILE_TYPE'
  | 'INVALID_UPLOAD'
  | 'UPLOAD_NOT_FOUND'
  | 'DOCUMENT_STORE_NOT_FOUND'
  | 'UPSERT_NOT_FOUND'
  | 'UPSERT_TIMEOUT'
  // fixes branch: a chatflow's apiConfig.rateLimit
  | 'RATE_LIMITED'
  // harden-server branch: refusals of the router and of Node's HTTP parser
  | 'URI_TOO_LONG'
  | 'HEADERS_TOO_LARGE'
  | 'REQUEST_TIMEOUT'
  // versions branch
  | 'CHATFLOW_VERSION_NOT_FOUND';

/** The HTTP status of each code, so a code that crossed a process boundary maps back to its status. */
export const ERROR_STATUS: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  INVALID_JSON: 400,
  VALIDATION_FAILED: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CHATFLOW_NOT_FOUND: 404,
  CREDENTIAL_NOT_FOUND: 404,
  APIKEY_NOT_FOUND: 404,
  FEEDBACK_NOT_FOUND: 404,
  RUN_NOT_FOUND: 404,
  INVALID_FLOW: 400,
  INVALID_FLOW_DATA: 400,
  CONFLICT: 409,
  CREDENTIAL_DECRYPT_FAILED: 500,
  LLM_ERROR: 502,
  PREDICTION_TIMEOUT: 504,
  RUN_ABORTED: 409,
  QUEUE_UNAVAILABLE: 503,
  DATABASE_UNAVAILABLE: 503,
  SHUTTING_DOWN: 503,
  INTERNAL: 500,
  // agents branch: the model's answer did not have the shape an output parser asked for
  OUTPUT_PARSER_FAILED: 502,
  // sandbox branch
  TOOL_NOT_FOUND: 404,
  VARIABLE_NOT_FOUND: 404,
  UPSERT_NOT_FOUND: 404,
  UPSERT_TIMEOUT: 504,
  UPLOAD_TOO_LARGE: 413,
  UNSUPPORTED_FILE_TYPE: 415,
  INVALID_UPLOAD: 400,
  UPLOAD_NOT_FOUND: 404,
  DOCUMENT_STORE_NOT_FOUND: 404,
  // fixes branch
  RATE_LIMITED: 429,
  // harden-server branch
  URI_TOO_LONG: 414,
  HEADERS_TOO_LARGE: 431,
  REQUEST_TIMEOUT: 408,
  // versions branch
  CHATFLOW_VERSION_NOT_FOUND: 404,
};

export const isErrorCode = (value: unknown): value is ErrorCode =>
  typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_STATUS, value);

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** HTTP headers the answer carries (e.g. `Retry-After` with a 429). */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * The node of the flow the error is about (its `data.id`), so a UI can point at it: set where the error
   * is raised, or by the engine for an error that arose while building or running that node.
   */
  nodeId?: string;

  constructor(
    code: ErrorCode,
    status: number,
    message: string,
    options?: { cause?: unknown; headers?: Record<string, string>; nodeId?: string },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    if (options?.headers) this.headers = options.headers;
    if (options?.nodeId) this.nodeId = options.nodeId;
  }
}

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;

export const notFound = (code: ErrorCode, what: string, id: string) =>
  new AppError(code, 404, `${what} ${id} not found`);

/** The message of any thrown value, for logs and error events. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}
