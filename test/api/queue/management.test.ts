import { queueHarness } from '../../support/queue-harness.js';
import { managementSuite } from '../management.suite.js';

managementSuite(queueHarness);
