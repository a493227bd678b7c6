import { queueHarness } from '../../support/queue-harness.js';
import { toolTestRunSuite } from '../tool-test-run.suite.js';

toolTestRunSuite(queueHarness);
