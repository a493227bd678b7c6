import { z } from 'zod';
import {
  baseUrl,
  boolean,
  byteSize,
  directory,
  integer,
  oneOf,
  optionalString,
  hostRuleList,
  nameList,
  stringWithDefault,
} from './env-parsers.js';

/**
 * The one schema of every environment variable (configuration.md). Keys are the variable names, so a
 * zod issue path is the name of the bad variable.
 */
export function buildEnvSchema(cwd: string) {
  return z
    .object({
      PORT: integer(3000, { min: 0, max: 65535 }),
      HOST: stringWithDefault('0.0.0.0'),
      MODE: oneOf(['main', 'queue'], 'main'),
      LOG_LEVEL: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
      BODY_LIMIT: byteSize('50mb'),
      CORS_ORIGINS: stringWithDefault('*'),
      NUMBER_OF_PROXIES: integer(0, { min: 0, max: 100 }),
      SSE_HEARTBEAT_INTERVAL: integer(30000, { min: 100 }),

      DATABASE_TYPE: oneOf(['sqlite', 'postgres'], 'sqlite'),
      DATABASE_PATH: directory('~/.aimicromind', cwd),
      DATABASE_URL: optionalString(),
      DATABASE_HOST: stringWithDefault('localhost'),
      DATABASE_PORT: integer(5432, { min: 1, max: 65535 }),
      DATABASE_USER: optionalString(),
      DATABASE_PASSWORD: optionalString(),
      DATABASE_NAME: stringWithDefault('aimicromind'),
      DATABASE_SSL: boolean(false),

      SECRET_KEY: optionalString(),
      SECRETKEY_PATH: directory('~/.aimicromind', cwd),
      AIMICROMIND_API_KEY: optionalString(),
      AIMICROMIND_USERNAME: optionalString(),
      AIMICROMIND_PASSWORD: optionalString(),
      SESSION_TTL: integer(43200, { min: 60 }),
      SESSION_MAX_AGE: integer(604800, { min: 60 }),

      PREDICTION_TIMEOUT: integer(300000, { min: 1 }),
      FOLLOW_UP_PROMPTS_TIMEOUT: integer(10000, { min: 1 }),
      STREAM_DETACH_GRACE: integer(30000, { min: 0 }),
      RUN_EVENTS_TTL: integer(3600, { min: 1 }),
      LLM_MAX_RETRIES: integer(2, { min: 0, max: 10 }),

      WORKER_CONCURRENCY: integer(10000, { min: 1 }),
      WORKER_TOKEN_BATCH_MS: integer(5, { min: 0, max: 100 }),
      QUEUE_NAME: stringWithDefault('aimicromind-queue'),
      QUEUE_REDIS_EVENT_STREAM_MAX_LEN: integer(10000, { min: 1 }),
      REDIS_URL: optionalString().refine(
        (v) => v === undefined || /^rediss?:\/\//.test(v),
        'must start with redis:// or rediss://',
      ),
      REDIS_HOST: stringWithDefault('localhost'),
      REDIS_PORT: integer(6379, { min: 1, max: 65535 }),
      REDIS_USERNAME: optionalString(),
      REDIS_PASSWORD: optionalString(),
      REDIS_TLS: boolean(false),
      REDIS_CERT: optionalString(),
      REDIS_KEY: optionalString(),
      REDIS_CA: optionalString(),
      REDIS_KEEP_ALIVE: integer(10000, { min: 0 }),
      REMOVE_ON_AGE: integer(86400, { min: 0 }),
      REMOVE_ON_COUNT: integer(10000, { min: 0 }),
      ENABLE_BULLMQ_DASHBOARD: boolean(true),
      GRACEFUL_SHUTDOWN_TIMEOUT: integer(60000, { min: 0 }),
      WORKER_LOCK_DURATION: integer(30000, { min: 100 }),
      WORKER_STALLED_INTERVAL: integer(30000, { min: 100 }),
      WORKER_MAX_STALLED_COUNT: integer(1, { min: 0 }),
      WORKER_PORT: integer(5566, { min: 0, max: 65535 }),

      // rag-files and rag-engine branches: uploads and vector upserts
      UPLOAD_MAX_FILE_SIZE: byteSize('20mb'),
      UPLOAD_MAX_REQUEST_SIZE: byteSize('50mb'),
      UPSERT_CONCURRENCY: integer(2, { min: 1 }),
      UPSERT_TIMEOUT: integer(300000, { min: 1 }),
      VECTOR_CACHE_SIZE: byteSize('256mb'),
      // harden-rag branch: limits of the text extracted from files
      UPLOAD_MAX_TEXT_SIZE: byteSize('20mb'),
      UPLOAD_MAX_REQUEST_TEXT_SIZE: byteSize('50mb'),
      UPSERT_JOB_TTL: integer(86400, { min: 0 }),
      // reconcile branch: how often interrupted runs and upserts are looked for (runner/reconciler.ts)
      RECONCILE_INTERVAL: integer(30000, { min: 100 }),
      // versions branch: previous flowData versions kept per chatflow (0: only the current one)
      CHATFLOW_VERSIONS_MAX: integer(50, { min: 0, max: 10000 }),

      // sandbox branch: outbound requests, the custom-code sandbox, runtime variables
      HTTP_ALLOW_LIST: hostRuleList(),
      HTTP_DENY_LIST: hostRuleList(),
      HTTP_MAX_RESPONSE_BYTES: byteSize('10mb'),
      HTTP_TIMEOUT: integer(30000, { min: 1 }),
      HTTP_MAX_REDIRECTS: integer(5, { min: 0, max: 20 }),

      SANDBOX_TIMEOUT: integer(30000, { min: 1 }),
      SANDBOX_MEMORY_LIMIT: byteSize('64mb', { min: '1mb', max: '2gb' }),
      SANDBOX_STACK_LIMIT: byteSize('512kb', { min: '64kb', max: '8mb' }),
      SANDBOX_POOL_SIZE: integer(4, { min: 1, max: 256 }),

      RUNTIME_VARIABLES_ALLOW_LIST: nameList(/^[A-Za-z_][A-Za-z0-9_]*$/, 'environment variable names'),

      // agents branch: hosts of the APIs search tools and OpenAI moderation call
      SERPAPI_BASE_URL: baseUrl('https://serpapi.com'),
      SERPER_BASE_URL: baseUrl('https://google.serper.dev'),
      GOOGLE_CUSTOM_SEARCH_BASE_URL: baseUrl('https://www.googleapis.com/customsearch/v1'),
      OPENAI_MODERATION_BASE_URL: baseUrl('https://api.openai.com/v1'),
    });
}

/**
 * Rules across variables, checked on the raw values so they are reported together with every other
 * problem (a zod refinement would only run once all fields parsed).
 */
export function crossFieldProblems(raw: Record<string, string | undefined>): string[] {
  const set = (name: string) => (raw[name] ?? '').trim() !== '';
  const problems: string[] = [];
  if (set('AIMICROMIND_USERNAME') !== set('AIMICROMIND_PASSWORD')) {
    const missing = set('AIMICROMIND_USERNAME') ? 'AIMICROMIND_PASSWORD' : 'AIMICROMIND_USERNAME';
    problems.push(`${missing}: must be set together with the other of AIMICROMIND_USERNAME / AIMICROMIND_PASSWORD`);
  }
  return problems;
}

export type ParsedEnv = z.output<ReturnType<typeof buildEnvSchema>>;
