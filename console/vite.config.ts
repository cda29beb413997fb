// The console's front end (docs/console.md): `npm run build` runs `vite build --config console/vite.config.ts`
// after tsc, writing dist/console/web/, which src/console/static-files.ts serves at /console/.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/console/',
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/console/web', import.meta.url)),
    emptyOutDir: true,
    // Vite splits by import: the sign-in page loads React and the few components it shows; each page
    // (and the libraries only it uses, such as the charts) loads when first opened.
    chunkSizeWarningLimit: 1500,
  },
});
