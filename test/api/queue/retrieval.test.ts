import { queueHarness } from '../../support/queue-harness.js';
import { retrievalSuite } from '../retrieval.suite.js';

retrievalSuite(queueHarness);
