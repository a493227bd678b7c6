import { startMainHarness } from '../../support/api-harness.js';
import { predictionSuite } from '../predictions.suite.js';

predictionSuite(startMainHarness);
