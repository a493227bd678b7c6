import pino, { type Logger } from 'pino';
import type { LogLevel } from '../config/app-config.js';

export type { Logger };

/** The one pino root of a process; components take `root.child({ module })`. */
export function createRootLogger(level: LogLevel, base: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base: { pid: process.pid, ...base },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['req.headers.authorization', '*.apiKey', '*.password', '*.plainDataObj'],
      censor: '[redacted]',
    },
  });
}
