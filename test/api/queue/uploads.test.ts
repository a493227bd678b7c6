import { queueHarnessOnPostgres } from '../../support/queue-harness.js';
import { uploadsSuite } from '../uploads.suite.js';

// Queue mode on PostgreSQL: workers read the files the server stored; main mode runs on SQLite.
uploadsSuite(queueHarnessOnPostgres);
