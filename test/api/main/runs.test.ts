import { startMainHarness } from '../../support/api-harness.js';
import { runsSuite } from '../runs.suite.js';

runsSuite(startMainHarness);
