import fs from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import type { AppConfig, DatabaseConfig } from './app-config.js';
import { type ParsedEnv, buildEnvSchema, crossFieldProblems } from './schema.js';
import { packageVersion } from '../shared/package-info.js';

/** Thrown when the environment is invalid; `problems` names every bad variable at once. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  /** The process environment; the real environment wins over `.env`. */
  env?: NodeJS.ProcessEnv;
  /** Where `.env` is looked for and relative paths resolve. */
  cwd?: string;
  /** Skip reading `.env` (tests pass a complete environment). */
  ignoreDotEnv?: boolean;
}

function readDotEnv(cwd: string): Record<string, string> {
  const file = path.join(cwd, '.env');
  if (!fs.existsSync(file)) return {};
  return dotenv.parse(fs.readFileSync(file));
}

/** REDIS_CERT/KEY/CA: a file path if such a file exists, else base64-encoded PEM. */
function readPem(name: string, value: string | undefined, cwd: string, problems: string[]): string | undefined {
  if (value === undefined) return undefined;
  const file = path.resolve(cwd, value);
  if (fs.existsSync(file) && fs.statSync(file).isFile()) return fs.readFileSync(file, 'utf8');
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  if (decoded.includes('-----BEGIN')) return decoded;
  problems.push(`${name}: is neither an existing file nor base64-encoded PEM`);
  return undefined;
}

function databaseConfig(env: ParsedEnv): DatabaseConfig {
  if (env.DATABASE_TYPE === 'sqlite') {
    return { type: 'sqlite', directory: env.DATABASE_PATH, file: path.join(env.DATABASE_PATH, 'database.sqlite') };
  }
  return {
    type: 'postgres',
    url: env.DATABASE_URL,
    host: env.DATABASE_HOST,
    port: env.DATABASE_PORT,
    user: env.DATABASE_USER,
    password: env.DATABASE_PASSWORD,
    database: env.DATABASE_NAME,
    ssl: env.DATABASE_SSL,
  };
}

/** Reads and validates the whole configuration once. Throws ConfigError listing every bad variable. */
export function loadConfig(options: LoadConfigOptions = {}): AppConfig {
  const cwd = options.cwd ?? process.cwd();
  const fileEnv = options.ignoreDotEnv ? {} : readDotEnv(cwd);
  const merged = { ...fileEnv, ...(options.env ?? process.env) };
  const result = buildEnvSchema(cwd).safeParse(merged);
  const problems = crossFieldProblems(merged);
  if (!result.success) {
    problems.unshift(...result.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`));
  }
  if (!result.success || problems.length > 0) throw new ConfigError([...new Set(problems)]);
  const env = result.data;
  const redisCert = readPem('REDIS_CERT', env.REDIS_CERT, cwd, problems);
  const redisKey = readPem('REDIS_KEY', env.REDIS_KEY, cwd, problems);
  const redisCa = readPem('REDIS_CA', env.REDIS_CA, cwd, problems);
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    mode: env.MODE,
    logLevel: env.LOG_LEVEL,
    server: {
      port: env.PORT,
      host: env.HOST,
      bodyLimitBytes: env.BODY_LIMIT,
      corsOrigins: env.CORS_ORIGINS,
      numberOfProxies: env.NUMBER_OF_PROXIES,
      heartbeatIntervalMs: env.SSE_HEARTBEAT_INTERVAL,
    },
    database: databaseConfig(env),
    secrets: { secretKey: env.SECRET_KEY, keyDirectory: env.SECRETKEY_PATH },
    admin: { apiKey: env.AIMICROMIND_API_KEY, username: env.AIMICROMIND_USERNAME, password: env.AIMICROMIND_PASSWORD, sessionTtlSeconds: env.SESSION_TTL, sessionMaxAgeSeconds: env.SESSION_MAX_AGE },
    runs: {
      predictionTimeoutMs: env.PREDICTION_TIMEOUT,
      followUpTimeoutMs: env.FOLLOW_UP_PROMPTS_TIMEOUT,
      streamDetachGraceMs: env.STREAM_DETACH_GRACE,
      eventsTtlSeconds: env.RUN_EVENTS_TTL,
      llmMaxRetries: env.LLM_MAX_RETRIES,
    },
    queue: {
      name: env.QUEUE_NAME,
      eventStreamMaxLen: env.QUEUE_REDIS_EVENT_STREAM_MAX_LEN,
      removeOnAgeSeconds: env.REMOVE_ON_AGE,
      removeOnCount: env.REMOVE_ON_COUNT,
      dashboard: env.ENABLE_BULLMQ_DASHBOARD,
      workerConcurrency: env.WORKER_CONCURRENCY,
      tokenBatchMs: env.WORKER_TOKEN_BATCH_MS,
      lockDurationMs: env.WORKER_LOCK_DURATION,
      stalledIntervalMs: env.WORKER_STALLED_INTERVAL,
      maxStalledCount: env.WORKER_MAX_STALLED_COUNT,
      gracefulShutdownTimeoutMs: env.GRACEFUL_SHUTDOWN_TIMEOUT,
      workerPort: env.WORKER_PORT,
    },
    redis: {
      url: env.REDIS_URL,
      host: env.REDIS_HOST,
      port: env.REDIS_PORT,
      username: env.REDIS_USERNAME,
      password: env.REDIS_PASSWORD,
      tls: env.REDIS_TLS,
      cert: redisCert,
      key: redisKey,
      ca: redisCa,
      keepAliveMs: env.REDIS_KEEP_ALIVE,
    },
    uploads: {
      maxFileBytes: env.UPLOAD_MAX_FILE_SIZE,
      maxRequestBytes: env.UPLOAD_MAX_REQUEST_SIZE,
      maxTextChars: env.UPLOAD_MAX_TEXT_SIZE,
      maxRequestTextChars: env.UPLOAD_MAX_REQUEST_TEXT_SIZE,
    },
    upserts: { concurrency: env.UPSERT_CONCURRENCY, timeoutMs: env.UPSERT_TIMEOUT, jobTtlSeconds: env.UPSERT_JOB_TTL },
    reconcileIntervalMs: env.RECONCILE_INTERVAL,
    chatflowVersionsMax: env.CHATFLOW_VERSIONS_MAX,
    vectorCacheBytes: env.VECTOR_CACHE_SIZE,
    outbound: {
      allowList: env.HTTP_ALLOW_LIST,
      denyList: env.HTTP_DENY_LIST,
      maxResponseBytes: env.HTTP_MAX_RESPONSE_BYTES,
      timeoutMs: env.HTTP_TIMEOUT,
      maxRedirects: env.HTTP_MAX_REDIRECTS,
    },
    sandbox: {
      timeoutMs: env.SANDBOX_TIMEOUT,
      memoryLimitBytes: env.SANDBOX_MEMORY_LIMIT,
      stackLimitBytes: env.SANDBOX_STACK_LIMIT,
      poolSize: env.SANDBOX_POOL_SIZE,
    },
    variables: {
      allowList: env.RUNTIME_VARIABLES_ALLOW_LIST,
      values: Object.fromEntries(
        env.RUNTIME_VARIABLES_ALLOW_LIST.filter((name) => merged[name] !== undefined).map((name) => [name, merged[name]!]),
      ),
    },
    endpoints: {
      serpApi: env.SERPAPI_BASE_URL,
      serper: env.SERPER_BASE_URL,
      googleCustomSearch: env.GOOGLE_CUSTOM_SEARCH_BASE_URL,
      openAIModeration: env.OPENAI_MODERATION_BASE_URL,
    },
    version: packageVersion(),
  };
}
