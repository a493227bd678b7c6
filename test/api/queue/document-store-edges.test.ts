import { startQueueHarness } from '../../support/queue-harness.js';
import { documentStoreEdgesSuite } from '../document-store-edges.suite.js';

// Queue mode: the inserts run on a worker, which learns of a deleted store through the database.
documentStoreEdgesSuite((env = {}) => startQueueHarness({ UPLOAD_MAX_FILE_SIZE: '1kb', ...env }, { workers: 1 }));
