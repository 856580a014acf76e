/** A worker thread of a split `check` run: checks the domains the parent hands it, one report message each. */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import type { DomainReport } from '../model.ts';
import { checkDomain } from './check-domain.ts';
import { type CheckSetup, createCheckContext, monitorsNamed } from './check-setup.ts';
import { reportJson } from './json-stream.ts';
import { type CheckedDomain, tallyOf, type WorkerInput, type WorkerOutput } from './run-checks.ts';
import { WorkerCoordinator } from './shared-coordinator.ts';

if (!parentPort) throw new Error('check-worker.ts runs as a worker thread only');
const port: MessagePort = parentPort;
const { setup, json } = workerData as { setup: CheckSetup; json: boolean };
const coordinator = new WorkerCoordinator(port);
const { context, dns } = createCheckContext(setup, coordinator);
const monitors = monitorsNamed(setup.monitors);

const queue: { index: number; domain: string }[] = [];
let ended = false;
let wake: (() => void) | undefined;
const send = (message: WorkerOutput) => port.postMessage(message);
const encoder = new TextEncoder();

port.on('message', (message: WorkerInput) => {
  if (message.type === 'domain') queue.push(message);
  else if (message.type === 'end') ended = true;
  else coordinator.receive(message);
  wake?.();
  wake = undefined;
});

async function loop(): Promise<void> {
  for (;;) {
    const job = queue.shift();
    if (!job) {
      if (ended) return;
      await new Promise<void>((resolve) => {
        const previous = wake;
        wake = () => {
          previous?.();
          resolve();
        };
      });
      continue;
    }
    const report: DomainReport = await checkDomain(context, job.domain, monitors);
    if (json) {
      // its own ArrayBuffer (TextEncoder, not Buffer's shared pool), so it can be transferred
      const bytes = encoder.encode(reportJson(report));
      const item: CheckedDomain = { json: bytes, tally: tallyOf(report) };
      port.postMessage({ type: 'report', index: job.index, item } satisfies WorkerOutput, [bytes.buffer]);
    } else send({ type: 'report', index: job.index, item: { report, tally: tallyOf(report) } });
  }
}

await Promise.all(Array.from({ length: setup.concurrency }, loop));
send({ type: 'done', stats: dns.stats() });
dns.close();
port.close();
