import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isRunning, stopDaemon } from './lib/daemon.ts';
import { withLabLock } from './lib/lock.ts';
import { runDir } from './lib/paths.ts';
import {
  ensureDatabase,
  type LabPostgres,
  type PostgresInstance,
  postgresAdmin,
  postgresInfo,
  sharedPostgres,
  startPostgres,
} from './lib/postgres.ts';
import { readLabState, writeLabState } from './lib/state.ts';

export type { LabPostgres };

/**
 * The lab's shared PostgreSQL, started on first use (so a lab that no test asks it of stays as fast as before) and
 * stopped by pid with the rest of the lab. Afterwards `labInfo().postgres` has the same facts. Test files run in
 * parallel: each should work in a database of its own (createTestDatabase), never in `mailwarden` itself.
 */
export async function labPostgres(): Promise<LabPostgres> {
  if (process.env.MAILWARDEN_LAB === 'off')
    throw new Error('this test needs the lab PostgreSQL, but MAILWARDEN_LAB=off');
  return withLabLock(async () => {
    const state = readLabState();
    if (!state) throw new Error('the lab is not running (vitest globalSetup or npm run lab:start starts it)');
    const proc = state.processes.find((p) => p.name === sharedPostgres.name);
    if (state.postgres && proc && isRunning(proc)) return state.postgres;
    if (proc) state.processes = state.processes.filter((p) => p !== proc);
    state.processes.push(await startPostgres(sharedPostgres));
    state.postgres = postgresInfo(sharedPostgres);
    writeLabState(state);
    return state.postgres;
  });
}

let created = 0;

/** A new, empty database on the shared lab PostgreSQL; `drop()` removes it (even while connections are open). */
export async function createTestDatabase(label: string): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  await labPostgres();
  return createDatabaseOn(sharedPostgres, label);
}

async function createDatabaseOn(
  instance: PostgresInstance,
  label: string,
): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `t_${label.toLowerCase().replace(/[^a-z0-9]+/g, '_')}_${process.pid}_${++created}`.slice(0, 63);
  await ensureDatabase(instance, name);
  return {
    url: postgresInfo(instance, name).url,
    name,
    drop: async () => {
      await postgresAdmin(instance, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** A PostgreSQL only this test uses, so it can stop and start it (the "database went away" test). */
export interface PrivatePostgres extends LabPostgres {
  createDatabase(label: string): Promise<{ url: string; name: string; drop(): Promise<void> }>;
  /** Stops the server by pid (fast shutdown: open connections are cut). */
  stop(): Promise<void>;
  /** Starts it again with the same data. */
  start(): Promise<void>;
  /** Stops it and removes its cluster (call in afterAll). */
  close(): Promise<void>;
}

/** Starts a private cluster on 127.54.0.10–250 (initdb takes a second or two). */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const instance = await withLabLock(async () => {
    const state = readLabState();
    if (!state) throw new Error('the lab is not running');
    const used = new Set(state.processes.map((p) => p.name));
    let octet = 10;
    while (used.has(`postgres-${octet}`) || existsSync(join(runDir, `postgres-${octet}`))) octet++;
    if (octet > 250) throw new Error('no free private PostgreSQL address');
    const chosen: PostgresInstance = { name: `postgres-${octet}`, address: `127.54.0.${octet}`, port: 5432 };
    state.processes.push(await startPostgres(chosen));
    writeLabState(state);
    return chosen;
  });
  const replace = (running: boolean) =>
    withLabLock(async () => {
      const state = readLabState();
      const index = state?.processes.findIndex((p) => p.name === instance.name) ?? -1;
      const proc = state?.processes[index];
      if (!state || !proc) throw new Error(`${instance.name} is not part of the running lab`);
      await stopDaemon(proc);
      if (running) state.processes[index] = await startPostgres(instance);
      writeLabState(state);
    });
  return {
    ...postgresInfo(instance),
    createDatabase: (label) => createDatabaseOn(instance, label),
    stop: () => replace(false),
    start: () => replace(true),
    close: () =>
      withLabLock(async () => {
        const state = readLabState();
        const proc = state?.processes.find((p) => p.name === instance.name);
        if (state && proc) {
          await stopDaemon(proc);
          state.processes = state.processes.filter((p) => p !== proc);
          writeLabState(state);
        }
        rmSync(join(runDir, instance.name), { recursive: true, force: true });
      }),
  };
}
