import { startMainHarness } from '../../support/api-harness.js';
import { abortSuite } from '../abort.suite.js';

abortSuite(startMainHarness);
