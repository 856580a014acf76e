import { describe, expect, it } from 'vitest';
import { OrderedOutput } from '../../src/check/ordered-output.ts';

describe('results written in input order, with a bounded number waiting', () => {
  it('writes in index order whatever order they finish in', async () => {
    const written: number[] = [];
    const output = new OrderedOutput<number>(10, async (item) => {
      written.push(item);
    });
    for (const index of [2, 0, 3, 1, 5, 4]) output.put(index, index);
    await output.drained();
    expect(written).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('holds back work beyond the window until the head is written', async () => {
    const output = new OrderedOutput<number>(2, async () => {});
    await output.reserve(0);
    await output.reserve(1);
    let third = false;
    const waiting = output.reserve(2).then(() => {
      third = true;
    });
    output.put(1, 1);
    await output.drained();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(third).toBe(false);
    output.put(0, 0);
    await waiting;
    expect(third).toBe(true);
  });

  it('reports the first failure of the sink', async () => {
    const output = new OrderedOutput<number>(4, async () => {
      throw new Error('EPIPE');
    });
    output.put(0, 0);
    await expect(output.drained()).rejects.toThrow('EPIPE');
  });
});
