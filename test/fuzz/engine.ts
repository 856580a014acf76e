/**
 * A small coverage-guided fuzzer on V8's own block coverage (node:inspector, Profiler.takePreciseCoverage): an input
 * is kept in the corpus when it reaches code blocks, or block hit-count buckets, that no earlier input reached, and
 * new inputs are mutations of corpus entries (AFL-style bit/byte edits, splices, dictionary tokens).
 *
 * Why our own: Jazzer.js 4.0.0 ships its libFuzzer addon prebuilt for glibc 2.38 (Debian 12 has 2.36) and 2.1.0
 * downloads its binary at install time; jsfuzz (2020) parses with esprima and cannot read TypeScript or modern
 * syntax. V8's coverage needs no native code. See the README, "Fuzzing".
 */
import { Session } from 'node:inspector/promises';

export interface FuzzTarget {
  name: string;
  /** Which scripts count for coverage: the code under test, not the fuzzer or the test helpers. */
  covers: (url: string) => boolean;
  /** Runs one input; throws only on a real defect (expected parse errors are caught inside). */
  run: (data: Buffer) => void | Promise<void>;
  seeds: string[];
  /** Tokens worth inserting (tags, keywords, separators). */
  dictionary?: string[];
  maxLength?: number;
}

export interface Crash {
  input: Buffer;
  error: unknown;
}

export interface FuzzResult {
  runs: number;
  corpus: Buffer[];
  features: number;
  crashes: Crash[];
}

export interface FuzzOptions {
  runs?: number;
  /** Stop after this many milliseconds (the long run). */
  durationMs?: number;
  /** PRNG seed: the same seed and code give the same run. */
  seed?: number;
  /** Stop at the first crash. */
  stopOnCrash?: boolean;
}

/** xorshift32: reproducible, no dependency. */
function random(seed: number): (below: number) => number {
  let state = seed >>> 0 || 1;
  return (below) => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return below <= 0 ? 0 : state % below;
  };
}

/** AFL's hit-count buckets: 1, 2, 3, 4-7, 8-15, 16-31, 32-127, 128+. */
function bucket(count: number): number {
  if (count <= 3) return count;
  if (count < 8) return 4;
  if (count < 16) return 8;
  if (count < 32) return 16;
  if (count < 128) return 32;
  return 128;
}

const INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0x20, 0x2e, 0x3b, 0x3d, 0x25, 0x0a, 0xc0];

function mutate(
  input: Buffer,
  corpus: Buffer[],
  dictionary: Buffer[],
  next: (n: number) => number,
  max: number,
): Buffer {
  let data = Buffer.from(input);
  const rounds = 1 + next(4);
  for (let round = 0; round < rounds; round++) {
    const at = next(data.length + 1);
    switch (next(9)) {
      case 0:
        if (data.length > 0) data[at % data.length]! ^= 1 << next(8);
        break;
      case 1:
        if (data.length > 0) data[at % data.length] = next(256);
        break;
      case 2:
        if (data.length > 0) data[at % data.length] = INTERESTING[next(INTERESTING.length)]!;
        break;
      case 3:
        data = Buffer.concat([data.subarray(0, at), Buffer.from([next(256)]), data.subarray(at)]);
        break;
      case 4: {
        const end = Math.min(data.length, at + 1 + next(8));
        data = Buffer.concat([data.subarray(0, at), data.subarray(end)]);
        break;
      }
      case 5: {
        const end = Math.min(data.length, at + 1 + next(16));
        data = Buffer.concat([data.subarray(0, end), data.subarray(at, end), data.subarray(end)]);
        break;
      }
      case 6: {
        const other = corpus[next(corpus.length)]!;
        const from = next(other.length + 1);
        data = Buffer.concat([data.subarray(0, at), other.subarray(from, from + 1 + next(32))]);
        break;
      }
      case 7:
        if (dictionary.length > 0) {
          data = Buffer.concat([data.subarray(0, at), dictionary[next(dictionary.length)]!, data.subarray(at)]);
        }
        break;
      default:
        data = data.subarray(0, at);
    }
  }
  return data.length > max ? data.subarray(0, max) : data;
}

export async function fuzz(target: FuzzTarget, options: FuzzOptions = {}): Promise<FuzzResult> {
  const next = random(options.seed ?? 0x13);
  const max = target.maxLength ?? 512;
  const dictionary = (target.dictionary ?? []).map((token) => Buffer.from(token, 'latin1'));
  const corpus: Buffer[] = target.seeds.map((seed) => Buffer.from(seed, 'latin1'));
  if (corpus.length === 0) corpus.push(Buffer.alloc(0));
  const seen = new Set<string>();
  const crashes: Crash[] = [];
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });

  /** New features (block × hit bucket) the last run reached; taking the coverage also resets the counters. */
  const newFeatures = async (): Promise<number> => {
    const { result } = await session.post('Profiler.takePreciseCoverage');
    let found = 0;
    for (const script of result) {
      if (!target.covers(script.url)) continue;
      for (const fn of script.functions) {
        for (const range of fn.ranges) {
          if (range.count === 0) continue;
          const key = `${script.scriptId}:${range.startOffset}:${range.endOffset}:${bucket(range.count)}`;
          if (!seen.has(key)) {
            seen.add(key);
            found++;
          }
        }
      }
    }
    return found;
  };

  const execute = async (input: Buffer): Promise<boolean> => {
    try {
      await target.run(input);
    } catch (error) {
      crashes.push({ input, error });
    }
    return (await newFeatures()) > 0;
  };

  const started = Date.now();
  let runs = 0;
  try {
    await newFeatures();
    for (const seed of [...corpus]) {
      await execute(seed);
      runs++;
    }
    const limit = options.runs ?? (options.durationMs === undefined ? 1_000 : Number.POSITIVE_INFINITY);
    while (runs < limit && (options.durationMs === undefined || Date.now() - started < options.durationMs)) {
      if (options.stopOnCrash && crashes.length > 0) break;
      const parent = corpus[next(corpus.length)]!;
      const input = mutate(parent, corpus, dictionary, next, max);
      if (await execute(input)) corpus.push(input);
      runs++;
    }
  } finally {
    await session.post('Profiler.stopPreciseCoverage');
    await session.post('Profiler.disable');
    session.disconnect();
  }
  return { runs, corpus, features: seen.size, crashes };
}
