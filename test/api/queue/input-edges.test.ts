import { queueHarnessOnPostgres } from '../../support/queue-harness.js';
import { inputEdgesSuite } from '../input-edges.suite.js';

// PostgreSQL: its text type refuses NUL, which must not decide the answer.
inputEdgesSuite(queueHarnessOnPostgres);
