import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { ExitCodeTally } from '../../src/check/exit-code.ts';
import {
  SharedRegistry,
  type SharedReply,
  type SharedRequest,
  WorkerCoordinator,
} from '../../src/check/shared-coordinator.ts';
import { type DomainReport, nagiosExitCode, type Status } from '../../src/model.ts';

/** Two "workers" talking to one registry through real message ports, as worker threads do. */
function cluster(perSlot: number, workers = 2) {
  const registry = new SharedRegistry(perSlot);
  return Array.from({ length: workers }, () => {
    const { port1, port2 } = new MessageChannel();
    const coordinator = new WorkerCoordinator(port1);
    port1.on('message', (reply: SharedReply) => coordinator.receive(reply));
    port2.on('message', (request: SharedRequest) => registry.handle(request, (reply) => port2.postMessage(reply)));
    return { coordinator, close: () => port1.close() };
  });
}

describe('work shared across worker threads', () => {
  it('runs a key in one worker only; the others get a copy of its result', async () => {
    const nodes = cluster(1, 3);
    let runs = 0;
    const work = async () => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { outcome: 'ok', chain: ['MIIB'] };
    };
    const results = await Promise.all(
      nodes.map((node) => node.coordinator.once('smtp:192.0.2.1:25:mx', '192.0.2.1', work)),
    );
    expect(runs).toBe(1);
    for (const result of results) expect(result).toEqual({ outcome: 'ok', chain: ['MIIB'] });
    for (const node of nodes) node.close();
  });

  it('passes a failure on as an error to the waiting workers', async () => {
    const nodes = cluster(1);
    const failing = async (): Promise<never> => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      throw new Error('connection reset');
    };
    const results = await Promise.allSettled(nodes.map((node) => node.coordinator.once('k', 'slot', failing)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    for (const r of results) expect((r as PromiseRejectedResult).reason.message).toBe('connection reset');
    for (const node of nodes) node.close();
  });

  it('runs at most perSlot keys of one slot at once across workers', async () => {
    const nodes = cluster(1);
    let running = 0;
    let peak = 0;
    const work = async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 15));
      running--;
      return 1;
    };
    await Promise.all([
      nodes[0]!.coordinator.once('smtp:a:25:mx1', 'a', work),
      nodes[1]!.coordinator.once('smtp:a:25:mx2', 'a', work),
      nodes[0]!.coordinator.once('smtp:b:25:mx1', 'b', work),
    ]);
    expect(peak).toBe(2); // a and b together, never the two keys of a
    for (const node of nodes) node.close();
  });
});

describe('exit code gathered one report at a time', () => {
  const reportWith = (...statuses: Status[]): DomainReport => ({
    domain: 'x.example',
    checkedAt: '',
    findings: statuses.map((status) => ({ check: 'a.b', subject: 'x', status, summary: '', evidence: {} })),
  });
  it('agrees with nagiosExitCode over the whole list', () => {
    const lists: DomainReport[][] = [
      [],
      [reportWith('ok')],
      [reportWith('ok', 'info'), reportWith('error')],
      [reportWith('error'), reportWith('warn')],
      [reportWith('warn'), reportWith('fail', 'error')],
    ];
    for (const reports of lists) {
      const tally = new ExitCodeTally();
      for (const report of reports) tally.add(report);
      expect(tally.code()).toBe(nagiosExitCode(reports));
    }
  });
});
