/** A worker thread of a split `check` run: checks the domains the parent hands it, one report message each. */
import { parentPort, workerData } from 'node:worker_threads';
import type { DomainReport } from '../model.ts';
import { checkDomain } from './check-domain.ts';
import { type CheckSetup, createCheckContext, monitorsNamed } from './check-setup.ts';
import { reportJson } from './json-stream.ts';
import { type CheckedDomain, tallyOf, type WorkerInput, type WorkerOutput } from './run-checks.ts';
import { WorkerCoordinator } from './shared-coordinator.ts';

const port = parentPort;
if (!port) throw new Error('check-worker.ts runs as a worker thread only');
const { setup, json } = workerData as { setup: CheckSetup; json: boolean };
const coordinator = new WorkerCoordinator(port);
const { context, dns } = createCheckContext(setup, coordinator);
const monitors = monitorsNamed(setup.monitors);

const queue: { index: number; domain: string }[] = [];
let ended = false;
let wake: (() => void) | undefined;
const send = (message: WorkerOutput) => port.postMessage(message);

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
    const item: CheckedDomain = json
      ? { json: reportJson(report), tally: tallyOf(report) }
      : { report, tally: tallyOf(report) };
    send({ type: 'report', index: job.index, item });
  }
}

await Promise.all(Array.from({ length: setup.concurrency }, loop));
send({ type: 'done', stats: dns.stats() });
dns.close();
port.close();
