import { startMainHarness } from '../../support/api-harness.js';
import { documentStoreCrudSuite } from '../document-store-crud.suite.js';

documentStoreCrudSuite(startMainHarness);
