import { queueHarnessOnPostgres } from '../../support/queue-harness.js';
import { predictionSuite } from '../predictions.suite.js';

predictionSuite(queueHarnessOnPostgres);
