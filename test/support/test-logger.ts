import { createRootLogger } from '../../src/shared/logger.js';

/** Tests log only failures, unless TEST_LOG_LEVEL asks for more. */
export const testLogger = createRootLogger(
  (process.env.TEST_LOG_LEVEL as 'silent' | 'debug' | 'info' | undefined) ?? 'silent',
  { role: 'test' },
);
