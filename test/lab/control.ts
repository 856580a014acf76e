import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stopDaemon } from './lib/daemon.ts';
import { flushResolver, rebuildLab } from './lib/lifecycle.ts';
import { withLabLock } from './lib/lock.ts';
import { overridesDir } from './lib/paths.ts';
import { readLabState, writeLabState } from './lib/state.ts';
import { startUnbound } from './lib/unbound.ts';

export { flushResolver };

/**
 * Helpers that change the running lab during a test. The lab is shared by test files running in parallel, so a test
 * that mutates should only touch zones it owns (name them after the test), and restore them when done.
 */

function overrideFile(zone: string): string {
  const name = zone.replace(/\.$/, '').toLowerCase();
  if (!name.endsWith('.test') || name === 'test') throw new Error(`lab zones are <name>.test, not ${zone}`);
  return join(overridesDir, `${name.slice(0, -'.test'.length)}.zone`);
}

/**
 * Serves new text for a zone (same format and directives as test/lab/zones files; a new name adds a zone), re-signed
 * with the zone's existing keys unless the algorithm changed, reloaded into NSD, and flushed from Unbound's cache.
 * Returns when the new serial is served.
 */
export async function replaceZone(zone: string, text: string): Promise<void> {
  mkdirSync(overridesDir, { recursive: true });
  writeFileSync(overrideFile(zone), text);
  await rebuildLab();
  await flushResolver();
}

/** Undoes replaceZone: the zone is served from its repository file again (or removed, if it only existed as override). */
export async function restoreZone(zone: string): Promise<void> {
  rmSync(overrideFile(zone), { force: true });
  await rebuildLab();
  await flushResolver();
}

/** Re-signs every zone now (fresh signature times, same keys) and reloads: e.g. after a test moved time-sensitive data. */
export async function resignAll(): Promise<void> {
  await rebuildLab();
  await flushResolver();
}

/** Stops Unbound (by its pid) to simulate a broken resolver; startResolver brings it back with an empty cache. */
export async function stopResolver(): Promise<void> {
  await withLabLock(async () => {
    const state = readLabState();
    const proc = state?.processes.find((p) => p.name === 'unbound');
    if (!state || !proc) throw new Error('the lab is not running');
    await stopDaemon(proc);
  });
}

export async function startResolver(): Promise<void> {
  await withLabLock(async () => {
    const state = readLabState();
    const index = state?.processes.findIndex((p) => p.name === 'unbound') ?? -1;
    if (!state || index < 0) throw new Error('the lab is not running');
    const proc = state.processes[index];
    if (proc) await stopDaemon(proc);
    state.processes[index] = await startUnbound();
    writeLabState(state);
  });
}
