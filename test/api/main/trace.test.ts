import { startMainHarness } from '../../support/api-harness.js';
import { traceSuite } from '../trace.suite.js';

traceSuite(startMainHarness);
