import { startMainHarness } from '../../support/api-harness.js';
import { toolTestRunSuite } from '../tool-test-run.suite.js';

toolTestRunSuite(startMainHarness);
