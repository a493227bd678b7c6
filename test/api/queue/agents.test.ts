import { queueHarnessOnPostgres } from '../../support/queue-harness.js';
import { agentsSuite } from '../agents.suite.js';

agentsSuite(queueHarnessOnPostgres);
