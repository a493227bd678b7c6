import { queueHarness } from '../../support/queue-harness.js';
import { traceSuite } from '../trace.suite.js';

traceSuite(queueHarness);
