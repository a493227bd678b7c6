import { queueHarness } from '../../support/queue-harness.js';
import { rateLimitSuite } from '../rate-limit.suite.js';

rateLimitSuite(queueHarness);
