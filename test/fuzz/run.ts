/**
 * The long fuzzing run: `npm run fuzz -- [target …] [--seconds 300] [--seed 7]`. Each target runs for the given time;
 * crashing inputs are written to $TMPDIR/mailwarden-fuzz/ and the exit code is 1 when there are any. Add each one to
 * test/fuzz/regressions.test.ts with the fix.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fuzz } from './engine.ts';
import { TARGETS } from './targets.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { seconds: { type: 'string', default: '60' }, seed: { type: 'string', default: String(Date.now() % 1e9) } },
});
const chosen = positionals.length > 0 ? TARGETS.filter((t) => positionals.includes(t.name)) : TARGETS;
if (chosen.length === 0) {
  process.stderr.write(`unknown target; known: ${TARGETS.map((t) => t.name).join(', ')}\n`);
  process.exit(2);
}
const out = join(tmpdir(), 'mailwarden-fuzz');
let crashed = 0;
for (const target of chosen) {
  const result = await fuzz(target, { durationMs: Number(values.seconds) * 1000, seed: Number(values.seed) });
  process.stdout.write(
    `${target.name}: ${result.runs} runs, ${result.features} coverage features, corpus ${result.corpus.length}, ${result.crashes.length} crashes (seed ${values.seed})\n`,
  );
  result.crashes.forEach(({ input, error }, index) => {
    mkdirSync(out, { recursive: true });
    const file = join(out, `${target.name}-${index}.bin`);
    writeFileSync(file, input);
    process.stdout.write(
      `  ${file}: ${error instanceof Error ? error.stack?.split('\n').slice(0, 3).join(' | ') : String(error)}\n`,
    );
  });
  crashed += result.crashes.length;
}
process.exit(crashed > 0 ? 1 : 0);
