import { queueHarnessOnPostgres } from '../../support/queue-harness.js';
import { documentStoreCrudSuite } from '../document-store-crud.suite.js';

documentStoreCrudSuite(queueHarnessOnPostgres);
