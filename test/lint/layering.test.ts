// The layering rules (eslint.config.mjs) on the renderer's Svelte components: a fixture that breaks them must fail
// lint, line by line, and every renderer file must fall under them. The fixture lives in test/fixtures/lint/, which
// `npm run lint` ignores; here its text is linted under a renderer/ path so the renderer's rules apply.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ESLint, type Linter } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const fixture = readFileSync(join(root, 'test/fixtures/lint/layering-violation.svelte'), 'utf8');
const asComponent = 'renderer/src/lib/viewer/LayeringViolation.svelte';

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

const MARKER = '// VIOLATION';
const importLines = (text: string): number[] =>
  text.split('\n').flatMap((line, i) => (line.trimStart().startsWith('import ') && line.endsWith(MARKER) ? [i + 1] : []));

function rendererFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return rendererFiles(path);
    return /\.(ts|svelte)$/.test(entry.name) ? [relative(root, path)] : [];
  });
}

describe('layering lint on Svelte components', () => {
  it('flags each import that leaves the renderer for anything but app/', async () => {
    const [result] = await eslint.lintText(fixture, { filePath: join(root, asComponent) });
    const fatal = result.messages.filter((m: Linter.LintMessage) => m.fatal);
    expect(fatal).toEqual([]);
    const layering = result.messages.filter((m: Linter.LintMessage) => m.ruleId === 'no-restricted-imports');
    expect(layering.map((m) => m.line)).toEqual(importLines(fixture));
    expect(layering.every((m) => m.severity === 2)).toBe(true);
    expect(result.messages.filter((m) => m.ruleId !== 'no-restricted-imports')).toEqual([]);
  });

  it('lets the same component import app/ and the renderer’s own lib/models/', async () => {
    const allowed = fixture.split('\n').filter((line) => !line.endsWith(MARKER)).join('\n');
    const [result] = await eslint.lintText(allowed, { filePath: join(root, asComponent) });
    expect(result.messages).toEqual([]);
  });

  it('applies the renderer rules to every .ts and .svelte file under renderer/', async () => {
    const files = rendererFiles(join(root, 'renderer'));
    expect(files.some((f) => f.endsWith('.svelte'))).toBe(true);
    for (const file of files) {
      const config = (await eslint.calculateConfigForFile(join(root, file))) as Linter.Config;
      const rule = config.rules?.['no-restricted-imports'];
      expect(Array.isArray(rule) ? rule[0] : rule, file).toBe(2);
    }
  });
});
