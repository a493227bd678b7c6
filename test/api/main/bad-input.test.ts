import { startMainHarness } from '../../support/api-harness.js';
import { badInputSuite } from '../bad-input.suite.js';

badInputSuite(startMainHarness);
