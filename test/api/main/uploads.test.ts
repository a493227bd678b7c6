import { startMainHarness } from '../../support/api-harness.js';
import { uploadsSuite } from '../uploads.suite.js';

uploadsSuite(startMainHarness);
