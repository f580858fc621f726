// Builds the Svelte renderer into dist/renderer. Relative base: the app loads it from its own origin (custom
// protocol or file), never from a dev server at run time.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  // Vite resolves build paths against root; import.meta.dirname keeps this file free of Node imports.
  root: import.meta.dirname,
  base: './',
  plugins: [svelte()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // The strict CSP allows no inline script: keep Vite from injecting its preload polyfill.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2048,
  },
});
