import { startMainHarness } from '../../support/api-harness.js';
import { documentStoreEdgesSuite } from '../document-store-edges.suite.js';

documentStoreEdgesSuite(startMainHarness);
