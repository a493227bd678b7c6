import { queueHarness } from '../../support/queue-harness.js';
import { runsSuite } from '../runs.suite.js';

runsSuite(queueHarness);
