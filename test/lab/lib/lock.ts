import { mkdirSync, rmSync, statSync } from 'node:fs';
import { sleep } from './exec.ts';
import { lockDir } from './paths.ts';

/** Serialises lab mutations across vitest workers (test files run in parallel processes). */
export async function withLabLock<T>(fn: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch {
      if (isStale()) rmSync(lockDir, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`lab lock ${lockDir} held for too long`);
      else await sleep(20);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function isStale(): boolean {
  try {
    return Date.now() - statSync(lockDir).mtimeMs > 60_000;
  } catch {
    return false;
  }
}
