import { startMainHarness } from '../../support/api-harness.js';
import { documentStoreEdgesSuite } from '../document-store-edges.suite.js';

// A small upload limit, so an oversized loader file is cheap to send.
documentStoreEdgesSuite((env = {}) => startMainHarness({ UPLOAD_MAX_FILE_SIZE: '1kb', ...env }));
