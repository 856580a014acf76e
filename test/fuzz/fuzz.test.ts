/**
 * A short, bounded, reproducible coverage-guided run of every parser target (the long run: `npm run fuzz`).
 * Every crash the fuzzer ever found is kept in test/fuzz/regressions.test.ts.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { fuzz } from './engine.ts';
import { TARGETS } from './targets.ts';

const RUNS = 400;

describe('coverage-guided fuzzing (short run)', () => {
  for (const target of TARGETS) {
    it(`${target.name}: ${RUNS} inputs, no crash, the corpus grows with coverage`, async () => {
      const result = await fuzz(target, { runs: RUNS, seed: 13 });
      const crashes = result.crashes.map(
        ({ input, error }) => `${JSON.stringify(input.toString('latin1'))}: ${inspect(error).split('\n')[0]}`,
      );
      expect(crashes).toEqual([]);
      expect(result.features).toBeGreaterThan(10);
      expect(result.corpus.length).toBeGreaterThan(target.seeds.length);
    }, 120_000);
  }
});
