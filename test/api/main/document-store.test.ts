import { startMainHarness } from '../../support/api-harness.js';
import { documentStoreSuite } from '../document-store.suite.js';

documentStoreSuite(startMainHarness);
