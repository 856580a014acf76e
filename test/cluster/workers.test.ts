import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterEngine } from '../../src/cluster/engine.ts';
import { WorkerRegistry } from '../../src/cluster/workers.ts';
import { createTestDatabase } from '../lab/postgres.ts';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let engine: ClusterEngine;
const registries: WorkerRegistry[] = [];

beforeAll(async () => {
  database = await createTestDatabase('cluster_workers');
  engine = new ClusterEngine({ url: database.url, workerId: 'registry-test', timings: { heartbeatSeconds: 10 } });
  await engine.start();
});

afterAll(async () => {
  for (const registry of registries) await registry.stop();
  await engine?.stop();
  await database?.drop();
});

async function registry(workerId: string, options: { beatMs?: number; liveMs?: number } = {}) {
  const created = new WorkerRegistry({ pool: engine.pool, workerId, ...options });
  await created.start();
  registries.push(created);
  return created;
}

describe('the worker table', () => {
  it("shows every live worker's resolver state to the others, the latest of quick changes, until it stops", async () => {
    const a = await registry('host-a:1');
    const b = await registry('host-b:2');
    expect(await b.resolversDown()).toEqual([]);
    const since = '2026-11-30T01:00:00.000Z';
    // Quick changes while writes are in flight: the row ends with the last one.
    await Promise.all([
      a.setResolverDown({ since, detail: 'first' }),
      a.setResolverDown(undefined),
      a.setResolverDown({ since, detail: 'worker host-a:1: canary queries failed' }),
    ]);
    expect(await b.resolversDown()).toEqual([
      { worker: 'host-a:1', since, detail: 'worker host-a:1: canary queries failed' },
    ]);
    await a.setResolverDown(undefined);
    expect(await b.resolversDown()).toEqual([]);
    await a.setResolverDown({ since, detail: 'down again' });
    await a.stop();
    expect(await b.resolversDown()).toEqual([]);
  });

  it('counts a worker not heard from within the live window as gone (a kill -9 deletes nothing)', async () => {
    const silent = await registry('host-c:3', { beatMs: 60_000, liveMs: 1_000 });
    await silent.setResolverDown({ since: '2026-11-30T01:00:00.000Z', detail: 'broken' });
    expect((await silent.resolversDown()).map((down) => down.worker)).toEqual(['host-c:3']);
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    expect(await silent.resolversDown()).toEqual([]);
    // Its next beat (or change) makes it live again.
    await silent.setResolverDown({ since: '2026-11-30T01:00:00.000Z', detail: 'broken' });
    expect((await silent.resolversDown()).map((down) => down.worker)).toEqual(['host-c:3']);
  });
});
