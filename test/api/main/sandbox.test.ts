import { startMainHarness } from '../../support/api-harness.js';
import { sandboxSuite } from '../sandbox.suite.js';

sandboxSuite(startMainHarness);
