import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { type Plugin, defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/**
 * Puts flowise-embed's widget (`dist/web.js` of the pinned package) into the build as `embed/web.js`,
 * so the server serves it and embeds work where the CDN is blocked.
 */
function embedScript(): Plugin {
  return {
    name: 'aimicromind-embed-script',
    apply: 'build',
    generateBundle() {
      const file = path.join(path.dirname(require.resolve('flowise-embed/package.json')), 'dist', 'web.js');
      this.emitFile({ type: 'asset', fileName: 'embed/web.js', source: fs.readFileSync(file) });
    },
  };
}

export default defineConfig({
  root: here,
  base: '/',
  plugins: [react(), embedScript()],
  build: {
    outDir: path.join(here, '..', 'dist', 'ui'),
    emptyOutDir: true,
    assetsDir: 'assets',
    chunkSizeWarningLimit: 1000,
  },
  server: {
    // `npm run dev:ui`: the app on Vite's dev server, the API on a running aimicromind.
    proxy: { '/api': 'http://127.0.0.1:3000', '/embed': 'http://127.0.0.1:3000', '/admin': 'http://127.0.0.1:3000' },
  },
});
