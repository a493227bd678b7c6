import { queueHarness } from '../../support/queue-harness.js';
import { badInputSuite } from '../bad-input.suite.js';

badInputSuite(queueHarness);
