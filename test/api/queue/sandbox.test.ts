import { queueHarness } from '../../support/queue-harness.js';
import { sandboxSuite } from '../sandbox.suite.js';

sandboxSuite(queueHarness);
