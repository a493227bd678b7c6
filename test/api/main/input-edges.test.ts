import { startMainHarness } from '../../support/api-harness.js';
import { inputEdgesSuite } from '../input-edges.suite.js';

inputEdgesSuite(startMainHarness);
