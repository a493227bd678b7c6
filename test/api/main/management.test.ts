import { startMainHarness } from '../../support/api-harness.js';
import { managementSuite } from '../management.suite.js';

managementSuite(startMainHarness);
