import { queueHarnessOnPostgres } from '../../support/queue-harness.js';
import { documentStoreSuite } from '../document-store.suite.js';

// Queue mode on PostgreSQL with two workers: they answer from vectors and chunks in the shared database.
documentStoreSuite(queueHarnessOnPostgres);
