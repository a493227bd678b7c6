import { startMainHarness } from '../../support/api-harness.js';
import { retrievalSuite } from '../retrieval.suite.js';

retrievalSuite(startMainHarness);
