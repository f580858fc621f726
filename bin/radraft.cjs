#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI is bundled by `npm run build` (run automatically by `npm ci`).
const path = require('node:path');
const fs = require('node:fs');
const entry = path.join(__dirname, '..', 'dist', 'cli', 'radraft.cjs');
if (!fs.existsSync(entry)) {
  process.stderr.write('radraft: the CLI is not built yet; run `npm run build` in ' + path.dirname(__dirname) + '\n');
  process.exit(2);
}
require(entry);
