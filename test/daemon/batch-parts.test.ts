// The parts run() builds its batches from: the due-queue's "is a full batch due", the slots that bound the domains
// in flight across batches, and the in-memory shared probe results of a single daemon (the cluster's TTL rules).
import { describe, expect, it } from 'vitest';
import { DomainSlots } from '../../src/daemon/domain-slots.ts';
import { DueQueue } from '../../src/daemon/due-queue.ts';
import { LocalSharedResults } from '../../src/daemon/local-shared-results.ts';

describe('DueQueue.hasDue', () => {
  it('counts only domains due by then, and a rescheduled domain once', () => {
    const queue = new DueQueue();
    for (let index = 0; index < 50; index++) queue.schedule(`d${index}`, 1000 + index * 10);
    expect(queue.hasDue(999, 1)).toBe(false);
    expect(queue.hasDue(1000, 1)).toBe(true);
    expect(queue.hasDue(1090, 10)).toBe(true);
    expect(queue.hasDue(1090, 11)).toBe(false);
    // d0 moves to later: its old entry is stale and no longer counts
    queue.schedule('d0', 5000);
    expect(queue.hasDue(1090, 10)).toBe(false);
    expect(queue.hasDue(1100, 10)).toBe(true);
    expect(queue.popDue(1100, 100)).toHaveLength(10);
    expect(queue.hasDue(1100, 1)).toBe(false);
  });
});

describe('DomainSlots', () => {
  it('lets `limit` holders in at once, the rest in arrival order, and says when none is idle', async () => {
    const slots = new DomainSlots(2);
    const order: string[] = [];
    const a = await slots.acquire();
    const b = await slots.acquire();
    expect(slots.idle).toBe(0);
    const c = slots.acquire().then((release) => {
      order.push('c');
      return release;
    });
    const d = slots.acquire().then((release) => {
      order.push('d');
      return release;
    });
    await Promise.resolve();
    expect(order).toEqual([]);
    const released = slots.released();
    a();
    a(); // a second call gives nothing back twice
    await released;
    expect(order).toEqual(['c']);
    expect(slots.active).toBe(2);
    b();
    (await c)();
    (await d)();
    expect(slots.active).toBe(0);
    expect(slots.idle).toBe(2);
  });

  it('a lower limit takes effect as holders leave; a higher one lets waiters in at once', async () => {
    const slots = new DomainSlots(2);
    const a = await slots.acquire();
    const b = await slots.acquire();
    slots.setLimit(1);
    let third = false;
    const c = slots.acquire().then((release) => {
      third = true;
      return release;
    });
    a();
    await Promise.resolve();
    expect(third).toBe(false);
    b();
    (await c)();
    const x = await slots.acquire();
    let fourth = false;
    void slots.acquire().then(() => {
      fourth = true;
    });
    slots.setLimit(3);
    await Promise.resolve();
    expect(fourth).toBe(true);
    x();
  });
});

describe('LocalSharedResults', () => {
  const settings = { settledTtlMs: 3_600_000, unsettledTtlMs: 60_000, perSlot: 1 };

  it('keeps a settled result for one interval and any other result briefly', async () => {
    const clock = { now: 0 };
    const shared = new LocalSharedResults(settings, () => clock.now);
    let probes = 0;
    const probe = (outcome: string) => async () => {
      probes++;
      return { outcome };
    };
    const settled = (value: { outcome: string }) => value.outcome === 'ok';
    expect(await shared.once('smtp:a', 'a', probe('ok'), settled)).toEqual({ outcome: 'ok' });
    clock.now = 3_599_999;
    expect(await shared.once('smtp:a', 'a', probe('ok'), settled)).toEqual({ outcome: 'ok' });
    expect(probes).toBe(1);
    clock.now = 3_600_000;
    await shared.once('smtp:a', 'a', probe('ok'), settled);
    expect(probes).toBe(2);

    // a failure: reused within the short TTL, probed afresh after it (the confirmation re-check)
    await shared.once('smtp:b', 'b', probe('refused'), settled);
    clock.now += 59_999;
    expect(await shared.once('smtp:b', 'b', probe('ok'), settled)).toEqual({ outcome: 'refused' });
    clock.now += 1;
    expect(await shared.once('smtp:b', 'b', probe('ok'), settled)).toEqual({ outcome: 'ok' });
    expect(probes).toBe(4);
    expect(shared.stats).toEqual({ hits: 2, computed: 4, joined: 0 });
  });

  it('runs a key once while it is in flight, keeps no thrown error, and bounds the keys of one slot at once', async () => {
    const shared = new LocalSharedResults(settings, () => 0);
    let running = 0;
    let peak = 0;
    let runs = 0;
    const slow = async () => {
      runs++;
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 20));
      running--;
      return 'ok';
    };
    const all = await Promise.all([
      shared.once('smtp:x:mx1', 'x', slow, () => true),
      shared.once('smtp:x:mx1', 'x', slow, () => true),
      shared.once('smtp:x:mx2', 'x', slow, () => true),
    ]);
    expect(all).toEqual(['ok', 'ok', 'ok']);
    expect(runs).toBe(2);
    expect(peak).toBe(1);
    expect(shared.stats.joined).toBe(1);

    let attempts = 0;
    const failing = async (): Promise<string> => {
      attempts++;
      throw new Error('resolver gone');
    };
    await expect(shared.once('smtp:y', 'y', failing, () => true)).rejects.toThrow('resolver gone');
    await expect(shared.once('smtp:y', 'y', failing, () => true)).rejects.toThrow('resolver gone');
    expect(attempts).toBe(2);
  });
});
