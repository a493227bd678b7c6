import { startMainHarness } from '../../support/api-harness.js';
import { agentsSuite } from '../agents.suite.js';

agentsSuite(startMainHarness);
