import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dnsPort, resolverAddress } from './lib/addresses.ts';
import { isRunning, stopDaemon } from './lib/daemon.ts';
import { flushResolver, rebuildLab } from './lib/lifecycle.ts';
import { withLabLock } from './lib/lock.ts';
import { overridesDir, runDir } from './lib/paths.ts';
import { readLabState, writeLabState } from './lib/state.ts';
import { startUnbound, type UnboundInstance } from './lib/unbound.ts';

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
  await flushAllResolvers();
}

/** Undoes replaceZone: the zone is served from its repository file again (or removed, if it only existed as override). */
export async function restoreZone(zone: string): Promise<void> {
  rmSync(overrideFile(zone), { force: true });
  await rebuildLab();
  await flushAllResolvers();
}

/** Re-signs every zone now (fresh signature times, same keys) and reloads: e.g. after a test moved time-sensitive data. */
export async function resignAll(): Promise<void> {
  await rebuildLab({ force: true });
  await flushAllResolvers();
}

/** Flushes the shared resolver and every running private one. */
export async function flushAllResolvers(): Promise<void> {
  const state = readLabState();
  const resolvers = (state?.processes ?? []).filter((p) => p.name === 'unbound' || p.name.startsWith('resolver-'));
  await Promise.all(
    resolvers
      .filter((p) => isRunning(p))
      .map((p) =>
        flushResolver('.', {
          name: p.name,
          address: p.name === 'unbound' ? resolverAddress : `127.53.0.${p.name.slice('resolver-'.length)}`,
        }).catch(async (error: unknown) => {
          // Another test file may be stopping its private resolver right now: a stopped resolver has no cache.
          await new Promise((resolve) => setTimeout(resolve, 500));
          const now = readLabState()?.processes.find((q) => q.name === p.name);
          if (p.name !== 'unbound' && (!now || now.pid !== p.pid || !isRunning(now))) return;
          throw error;
        }),
      ),
  );
}

/**
 * Stops the shared Unbound (by its pid) to simulate a broken resolver; startResolver brings it back with an empty
 * cache. Every test file running at the same time loses its resolver too: prefer startPrivateResolver().
 */
export async function stopResolver(): Promise<void> {
  await withLabLock(async () => {
    const state = readLabState();
    const proc = state?.processes.find((p) => p.name === 'unbound');
    if (!state || !proc) throw new Error('the lab is not running');
    await stopDaemon(proc);
  });
}

/** A validating Unbound of the test's own (same config as the shared one, its own address and cache). */
export interface PrivateResolver {
  address: string;
  port: number;
  /** Stops it by pid: the test's "resolver is down". */
  stop(): Promise<void>;
  /** Starts it again, with an empty cache. */
  start(): Promise<void>;
  flush(): Promise<void>;
  /** Stops it and forgets it (call in afterAll). */
  close(): Promise<void>;
}

/**
 * Starts a resolver only this test uses, so it can break it (stop, start) without disturbing the test files that
 * run at the same time against the shared one. Addresses 127.53.0.10–127.53.0.250.
 */
export async function startPrivateResolver(): Promise<PrivateResolver> {
  const instance = await withLabLock(async () => {
    const state = readLabState();
    if (!state) throw new Error('the lab is not running');
    const used = new Set(state.processes.map((p) => p.name));
    let octet = 10;
    while (used.has(`resolver-${octet}`) || existsSync(join(runDir, `resolver-${octet}`))) octet++;
    if (octet > 250) throw new Error('no free private resolver address');
    const chosen: UnboundInstance = { name: `resolver-${octet}`, address: `127.53.0.${octet}` };
    mkdirSync(join(runDir, chosen.name), { recursive: true });
    state.processes.push(await startUnbound(chosen));
    writeLabState(state);
    return chosen;
  });
  const replaceProcess = async (running: boolean) =>
    withLabLock(async () => {
      const state = readLabState();
      const index = state?.processes.findIndex((p) => p.name === instance.name) ?? -1;
      const proc = state?.processes[index];
      if (!state || !proc) throw new Error(`${instance.name} is not part of the running lab`);
      await stopDaemon(proc);
      if (running) state.processes[index] = await startUnbound(instance);
      writeLabState(state);
    });
  return {
    address: instance.address,
    port: dnsPort,
    stop: () => replaceProcess(false),
    start: () => replaceProcess(true),
    flush: () => flushResolver('.', instance),
    close: () =>
      withLabLock(async () => {
        const state = readLabState();
        const proc = state?.processes.find((p) => p.name === instance.name);
        if (!state || !proc) return;
        await stopDaemon(proc);
        state.processes = state.processes.filter((p) => p !== proc);
        writeLabState(state);
        rmSync(join(runDir, instance.name), { recursive: true, force: true });
      }),
  };
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
