import { queueHarnessOnPostgres } from '../../support/queue-harness.js';
import { abortSuite } from '../abort.suite.js';

abortSuite(queueHarnessOnPostgres);
