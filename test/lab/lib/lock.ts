import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from './exec.ts';
import { labDir, lockDir } from './paths.ts';

/** Outside run/ (which a start wipes): serialises starting, joining and leaving the lab across vitest runs. */
export const lifecycleLockDir = join(
  tmpdir(),
  `mailwarden-lab-${createHash('sha256').update(labDir).digest('hex').slice(0, 12)}.lock`,
);

/** Serialises lab mutations across vitest workers (test files run in parallel processes). */
export function withLabLock<T>(fn: () => Promise<T>): Promise<T> {
  return withLock(lockDir, fn);
}

export function withLifecycleLock<T>(fn: () => Promise<T>): Promise<T> {
  return withLock(lifecycleLockDir, fn, 300_000);
}

async function withLock<T>(dir: string, fn: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(dir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') mkdirSync(join(dir, '..'), { recursive: true });
      else if (isStale(dir, timeoutMs)) rmSync(dir, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`lab lock ${dir} held for too long`);
      else await sleep(20);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function isStale(dir: string, maxAgeMs: number): boolean {
  try {
    return Date.now() - statSync(dir).mtimeMs > maxAgeMs;
  } catch {
    return false;
  }
}
