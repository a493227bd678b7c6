import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
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

/**
 * Writes `<file>.br` and `<file>.gz` next to every text file of the build of 1 KiB or more (the app's
 * assets, the embed script), which the server sends to browsers that accept them (@fastify/static's
 * `preCompressed`): compressed once, at the highest levels, instead of on every request.
 */
function precompress(): Plugin {
  return {
    name: 'aimicromind-precompress',
    apply: 'build',
    writeBundle(options, bundle) {
      for (const fileName of Object.keys(bundle)) {
        if (!/\.(js|css|html|svg|json)$/.test(fileName)) continue;
        const file = path.join(options.dir!, fileName);
        const bytes = fs.readFileSync(file);
        if (bytes.length < 1024) continue;
        const brotli = { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length };
        fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(bytes, { params: brotli }));
        fs.writeFileSync(`${file}.gz`, zlib.gzipSync(bytes, { level: 9 }));
      }
    },
  };
}

export default defineConfig({
  root: here,
  base: '/',
  plugins: [react(), embedScript(), precompress()],
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
