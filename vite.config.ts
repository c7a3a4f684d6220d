// The web console: `npx vite build` writes the static files to dist/web, which `berth up` serves at `/`.
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('./web', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [preact()],
  build: {
    outDir: fileURLToPath(new URL('./dist/web', import.meta.url)),
    emptyOutDir: true,
    // Everything ships inside the package: no CDN, no external URLs.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: {
    // `npx vite` for development, with the API from a running `berth up` on its default port.
    proxy: { '/berth': 'http://127.0.0.1:4566' },
  },
});
