// Layering rules in the spirit of VS Code's: app/ is platform-free, renderer/ talks only to app/ and the preload API,
// models/ never touches Electron or the UI. Svelte components get the renderer's rules too: an import in a
// <script> block crosses the same boundary as one in a .ts file.
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';

const nodeBuiltins = ['fs', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'url', 'stream', 'zlib', 'buffer', 'util', 'events', 'http', 'https', 'net'];
const noNode = [...nodeBuiltins.map((name) => ({ name, message: 'Node modules are not allowed in this layer.' }))];
const noNodePattern = { group: ['node:*'], message: 'Node modules are not allowed in this layer.' };
// onnxruntime-node only through models/engine/ort.ts, which switches its telemetry off before the library loads.
const ortDoor = { name: 'onnxruntime-node', message: "Import { ort } from models/engine/ort.ts: it switches onnxruntime's telemetry off first." };
const modelsRule = (paths) => ['error', {
  paths: [{ name: 'electron', message: 'models/ must run headless.' }, ...paths],
  patterns: [{ group: ['**/renderer/**', '**/main/**', 'electron/*'], message: 'models/ depends only on app/ and libraries.' }],
}];

// The renderer may leave renderer/ only for app/. A glob such as '**/models/**' would also catch the renderer's own
// lib/models/ folder, so the rule is written by depth instead: a file N folders below renderer/ reaches the
// repository root with N+1 '../', and what follows must be app/. test/lint/layering.test.ts checks that every
// renderer file falls under one of these depths.
const RENDERER_MAX_DEPTH = 8;
const rendererLayer = Array.from({ length: RENDERER_MAX_DEPTH + 1 }, (_, depth) => ({
  files: [`renderer/${'*/'.repeat(depth)}*.{ts,svelte}`],
  rules: {
    'no-restricted-imports': ['error', {
      paths: [{ name: 'electron', message: 'The renderer talks only to the preload API.' }, ...noNode],
      patterns: [
        noNodePattern,
        { regex: `^(\\.\\./){${depth + 1}}(?!app/)`, message: 'The renderer imports only app/ from outside renderer/; it reaches main through window.radraft.' },
      ],
    }],
  },
}));

export default tseslint.config(
  {
    ignores: [
      'dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'bin/**', 'main/dicom/codecs/openjpeg/*.js', 'main/dicom/codecs/libjpeg/*.cjs', '.tmp/**',
      // Deliberate violations, linted only by test/lint/layering.test.ts under a renderer/ path.
      'test/fixtures/lint/**',
    ],
  },
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    // Components and runes modules: the Svelte parser, with TypeScript inside <script lang="ts">.
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-throw-literal': 'error',
      // {'\n'} in markup is how a template writes a significant newline (the report editor's highlight backdrop).
      'svelte/no-useless-mustaches': ['error', { ignoreStringEscape: true }],
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
  ...rendererLayer,
  {
    files: ['models/**/*.ts'],
    rules: { 'no-restricted-imports': modelsRule([ortDoor]) },
  },
  { files: ['models/engine/ort.ts'], rules: { 'no-restricted-imports': modelsRule([]) } },
  {
    files: ['main/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [ortDoor],
        patterns: [{ group: ['**/renderer/**'], message: 'main/ never imports the renderer.' }],
      }],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [ortDoor] }] },
  },
);
