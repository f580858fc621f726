// Layering rules in the spirit of VS Code's: app/ is platform-free, renderer/ talks only to app/ and the preload API,
// models/ never touches Electron or the UI.
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['fs', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'url', 'stream', 'zlib', 'buffer', 'util', 'events', 'http', 'https', 'net'];
const noNode = [...nodeBuiltins.map((name) => ({ name, message: 'Node modules are not allowed in this layer.' }))];
const noNodePattern = { group: ['node:*'], message: 'Node modules are not allowed in this layer.' };

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-results/**', '**/*.svelte', 'bin/**', 'main/dicom/codecs/openjpeg/*.js', '.tmp/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-throw-literal': 'error',
    },
  },
  {
    files: ['app/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'app/ is platform-free.' }, ...noNode],
        patterns: [noNodePattern, { group: ['**/main/**', '**/models/**', '**/renderer/**', 'electron/*'], message: 'app/ imports nothing from other layers.' }],
      }],
      'no-restricted-globals': ['error', 'window', 'document', 'process', 'Buffer'],
    },
  },
  {
    files: ['renderer/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'The renderer talks only to the preload API.' }, ...noNode],
        patterns: [noNodePattern, { group: ['**/main/**', '**/models/**'], message: 'The renderer never imports main/ or models/.' }],
      }],
    },
  },
  {
    files: ['models/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'models/ must run headless.' }],
        patterns: [{ group: ['**/renderer/**', '**/main/**', 'electron/*'], message: 'models/ depends only on app/ and libraries.' }],
      }],
    },
  },
  {
    files: ['main/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/renderer/**'], message: 'main/ never imports the renderer.' }],
      }],
    },
  },
);
