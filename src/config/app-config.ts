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
  lockDurationMs: number;
  stalledIntervalMs: number;
  maxStalledCount: number;
  gracefulShutdownTimeoutMs: number;
  workerPort: number;
}

/** Limits on uploaded files (decoded bytes), on top of BODY_LIMIT for the request as a whole. */
export interface UploadConfig {
  maxFileBytes: number;
  maxRequestBytes: number;
}

export interface AppConfig {
  mode: RunMode;
  logLevel: LogLevel;
  server: {
    port: number;
    host: string;
    bodyLimitBytes: number;
    corsOrigins: string;
    heartbeatIntervalMs: number;
  };
  database: DatabaseConfig;
  secrets: { secretKey?: string; keyDirectory: string };
  admin: { apiKey?: string; username?: string; password?: string };
  runs: {
    predictionTimeoutMs: number;
    streamDetachGraceMs: number;
    eventsTtlSeconds: number;
    llmMaxRetries: number;
  };
  queue: QueueConfig;
  redis: RedisConfig;
  uploads: UploadConfig;
  /** Vector upserts: how many one process runs at once, and how long a waiting request waits (ms). */
  upserts: { concurrency: number; timeoutMs: number };
  /** Package version, for `/api/v1/version`. */
  version: string;
}
