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
    // One chunk for the libraries (changes rarely, cached for a year), one for the console's own code.
    rollupOptions: {
      output: {
        manualChunks(id: string) {
          if (id.includes('node_modules/recharts') || id.includes('node_modules/@mantine/charts') || id.includes('node_modules/d3-')) {
            return 'charts';
          }
          if (id.includes('node_modules')) return 'vendor';
          return undefined;
        },
      },
    },
    chunkSizeWarningLimit: 1500,
  },
});
