import { startMainHarness } from '../../support/api-harness.js';
import { createTestDatabase } from '../../support/test-postgres.js';
import { retrievalSuite } from '../retrieval.suite.js';

// PostgreSQL without pgvector (Debian's): the vector store's in-process scan.
retrievalSuite(async (env = {}) => startMainHarness({ DATABASE_TYPE: 'postgres', DATABASE_URL: await createTestDatabase('rag'), ...env }));
