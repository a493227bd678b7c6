#!/usr/bin/env node
// The built CLI lives in dist/; `npm run build` (run by `npm start`) produces it.
import('../dist/src/cli/main.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/src/cli/main.js')) {
    console.error('aimicromind is not built yet: run `npm run build` first.');
  } else {
    console.error(error);
  }
  process.exit(1);
});
