// Prints one plain closing line ("tests: N passed, N failed, N skipped") that CI log readers understand, and before
// it the seed that ordered the describe.shuffle suites, so a failure that depends on the order can be replayed.
import type { Reporter, TestModule, Vitest } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  private seed: number | undefined;

  onInit(vitest: Vitest): void {
    this.seed = vitest.config.sequence.seed;
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failed += 1;
        else skipped += 1;
      }
    }
    if (this.seed !== undefined) process.stdout.write(`\nshuffled suites ran with seed ${this.seed} (RADRAFT_TEST_SEED=${this.seed} replays that order)`);
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
