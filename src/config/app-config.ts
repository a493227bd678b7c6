import type { SandboxConfig } from '../sandbox/code-sandbox.js';
import type { OutboundPolicyConfig } from '../security/outbound-policy.js';

/** The validated configuration every component receives; built once by `loadConfig`. */

export type RunMode = 'main' | 'queue';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export type DatabaseConfig =
  | { type: 'sqlite'; directory: string; file: string }
  | {
      type: 'postgres';
      url?: string;
      host: string;
      port: number;
      user?: string;
      password?: string;
      database: string;
      ssl: boolean;
    };

export interface RedisConfig {
  url?: string;
  host: string;
  port: number;
  username?: string;
  password?: string;
  tls: boolean;
  /** PEM text, already read from a file or decoded from base64. */
  cert?: string;
  key?: string;
  ca?: string;
  keepAliveMs: number;
}

export interface QueueConfig {
  name: string;
  eventStreamMaxLen: number;
  removeOnAgeSeconds: number;
  removeOnCount: number;
  dashboard: boolean;
  workerConcurrency: number;
  /** Longest a streamed token waits in a worker to share a Redis write with other runs' tokens (0: none). */
  tokenBatchMs: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
  maxStalledCount: number;
  gracefulShutdownTimeoutMs: number;
  workerPort: number;
}

export interface RuntimeVariablesConfig {
  /** RUNTIME_VARIABLES_ALLOW_LIST: the names a runtime variable may have (and so read). */
  allowList: readonly string[];
  /** Their values at start-up (unset ones are absent). The only environment values the engine sees. */
  values: Readonly<Record<string, string>>;
}

/** Limits on uploaded files (decoded bytes), on top of BODY_LIMIT for the request as a whole. */
export interface UploadConfig {
  maxFileBytes: number;
  maxRequestBytes: number;
  /** Characters of text extraction may give per file (UPLOAD_MAX_TEXT_SIZE) and per request (UPLOAD_MAX_REQUEST_TEXT_SIZE). */
  maxTextChars: number;
  maxRequestTextChars: number;
}

export interface AppConfig {
  mode: RunMode;
  logLevel: LogLevel;
  server: {
    port: number;
    host: string;
    bodyLimitBytes: number;
    corsOrigins: string;
    /** Trusted reverse proxies in front of the server (X-Forwarded-For hops); 0 trusts none. */
    numberOfProxies: number;
    heartbeatIntervalMs: number;
  };
  database: DatabaseConfig;
  secrets: { secretKey?: string; keyDirectory: string };
  admin: {
    apiKey?: string;
    username?: string;
    password?: string;
    /** Lifetime of a web UI session cookie (`SESSION_TTL`); renewed when used after half of it. */
    sessionTtlSeconds: number;
    /** Longest a web UI session lives from its sign-in, renewals included (`SESSION_MAX_AGE`). */
    sessionMaxAgeSeconds: number;
  };
  runs: {
    predictionTimeoutMs: number;
    /** Budget of a run's follow-up prompt generation (`FOLLOW_UP_PROMPTS_TIMEOUT`); past it the answer goes out without them. */
    followUpTimeoutMs: number;
    streamDetachGraceMs: number;
    eventsTtlSeconds: number;
    llmMaxRetries: number;
  };
  queue: QueueConfig;
  redis: RedisConfig;
  uploads: UploadConfig;
  /**
   * Vector upserts: how many one process runs at once, how long a waiting request waits (ms), and how
   * long a finished job's row (with its addedDocs) is kept (UPSERT_JOB_TTL, seconds; 0 keeps it).
   */
  upserts: { concurrency: number; timeoutMs: number; jobTtlSeconds: number };
  /** How often the reconciler ends interrupted runs and upserts (RECONCILE_INTERVAL, ms). */
  reconcileIntervalMs: number;
  /** Previous flowData versions kept per chatflow besides the current one (CHATFLOW_VERSIONS_MAX; 0 keeps none). */
  chatflowVersionsMax: number;
  /** Bytes of collection vectors one process keeps in memory for exact search (VECTOR_CACHE_SIZE). */
  vectorCacheBytes: number;
  /** Requests to user-chosen URLs (tools, the sandbox's fetch, web loaders): security/outbound-policy.ts. */
  outbound: OutboundPolicyConfig;
  /** The custom-code sandbox's limits (sandbox/code-sandbox.ts). */
  sandbox: SandboxConfig;
  /** Runtime variables (`type: runtime`) read only these environment variables. */
  variables: RuntimeVariablesConfig;
  /** Base URLs of third-party APIs nodes call (no trailing slash); the engine gets them as ServiceEndpoints. */
  endpoints: { serpApi: string; serper: string; googleCustomSearch: string; openAIModeration: string };
  /** Package version, for `/api/v1/version`. */
  version: string;
}
