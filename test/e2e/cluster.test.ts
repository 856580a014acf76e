// End to end: `mailwarden run --workers 3` (a supervisor and three worker processes) on the lab's PostgreSQL against
// the lab: every domain checked once per cycle, one alert per channel for one regression, one STARTTLS probe per
// shared MX address per cycle for the whole cluster, and a worker killed with SIGKILL in the middle of a batch loses
// nothing (its batch is claimed again by another worker; the supervisor starts a new worker).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CountingProxy, startCountingProxy } from '../../bench/counting-proxy.ts';
import { replaceZone, restoreZone } from '../lab/control.ts';
import { labInfo } from '../lab/info.ts';
import { createTestDatabase } from '../lab/postgres.ts';
import { completions, setSchedule } from './cluster-harness.ts';
import { type Receivers, startDaemon, startReceivers, tmpConfig, waitFor } from './harness.ts';

const ZONE = 'e2e-cluster.test';
/** Two shared MX addresses: counting proxies in front of the lab's good Postfix listeners. */
const MX_ADDRESSES = ['127.25.9.21', '127.25.9.22'];
const DOMAINS = Array.from({ length: 12 }, (_, i) => `c${String(i + 1).padStart(2, '0')}.${ZONE}`);
const BROKEN = DOMAINS[0]!;
const INTERVAL_S = 8;
const HEARTBEAT_S = 10;
/**
 * How long a dead worker's claim takes to come back, by the engine's timings: its heartbeat lapses (≤ HEARTBEAT_S after
 * its last touch), the next supervision fails it (every HEARTBEAT_S / 2), its first retry waits 2–4 s, and an idle
 * worker polls every second. A shared probe it had claimed lapses after HEARTBEAT_S, in parallel.
 */
const CLAIM_COMES_BACK_S = HEARTBEAT_S + HEARTBEAT_S / 2 + 4 + 1;

/** The zone as test/lab/zones/e2e/e2e-cluster.zone serves it (comments aside), or with c01's DMARC broken. */
function zoneText(brokenDmarc: boolean): string {
  const lines = ['$TTL 2', `mx1 A ${MX_ADDRESSES[0]}`, `mx2 A ${MX_ADDRESSES[1]}`];
  for (const domain of DOMAINS) {
    const label = domain.slice(0, -(ZONE.length + 1));
    const policy = brokenDmarc && domain === BROKEN ? 'none' : 'reject';
    lines.push(`${label} MX 10 mx1`, `${label} MX 20 mx2`, `${label} TXT "v=spf1 -all"`);
    lines.push(`_dmarc.${label} TXT "v=DMARC1; p=${policy}; rua=mailto:dmarc@${ZONE}"`);
  }
  return `${lines.join('\n')}\n`;
}

let receivers: Receivers;
let proxies: CountingProxy[] = [];
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: pg.Client;

beforeAll(async () => {
  receivers = await startReceivers();
  const good = (labInfo().smtp ?? []).filter((l) => l.personality === 'good' || l.personality === 'good-2');
  expect(good).toHaveLength(2);
  proxies = await Promise.all(
    MX_ADDRESSES.map((address, i) =>
      startCountingProxy({ address, port: 25 }, { address: good[i]!.address, port: 25 }),
    ),
  );
  database = await createTestDatabase('cluster_e2e');
  db = new pg.Client({ connectionString: database.url });
  await db.connect();
  // The lab serves the good zone from its repository file (a zone the lab knows from its start is reloaded, not added,
  // when the test breaks it); this test's generator must say the same.
  const served = readFileSync(join(import.meta.dirname, '../lab/zones/e2e/e2e-cluster.zone'), 'utf8');
  expect(
    served
      .split('\n')
      .filter((line) => !line.startsWith(';'))
      .join('\n'),
  ).toBe(zoneText(false));
});

afterAll(async () => {
  await db?.end();
  await Promise.all(proxies.map((proxy) => proxy.close()));
  await receivers?.close();
  await restoreZone(ZONE).catch(() => {});
  await database?.drop();
});

describe('three workers on one PostgreSQL against the lab', () => {
  it('checks every domain once per cycle, alerts once per channel, probes shared MX addresses once per cycle and survives kill -9 of a worker mid-batch', async () => {
    const lab = labInfo();
    const config = await tmpConfig({
      stateUrl: database.url,
      resolver: `${lab.resolver.address}:${lab.resolver.port}`,
      trustAnchorFile: lab.trustAnchorFile,
      ...(lab.caFile ? { caFile: lab.caFile } : {}),
      domains: DOMAINS,
      receivers,
      extra: `cluster: { heartbeat: ${HEARTBEAT_S}s }\n`,
    });
    setSchedule(config.file, INTERVAL_S, 3);
    const started = Date.now();
    let exit: Awaited<ReturnType<ReturnType<typeof startDaemon>['stop']>> | undefined;
    const cluster = startDaemon(config.file, ['--workers', '3', '--log-level', 'debug']);
    try {
      const workerPids = () =>
        new Set(
          cluster
            .lines('worker started')
            .map((line) => line.pid as number)
            .filter((pid) => pid !== cluster.child.pid),
        );
      await waitFor('three workers', () => cluster.lines('worker started').length >= 3);
      await waitFor(
        'the baseline of every domain',
        async () => (await completions(db)).size === DOMAINS.length,
        60_000,
      );
      // The batches were spread over the workers (a log line per batch, with the worker's pid).
      await waitFor('batches from at least two workers', () => {
        const pids = new Set(cluster.lines('batch claimed').map((line) => line.worker));
        return pids.size >= 2;
      });

      // One regression: one alert per channel, whichever worker confirmed it.
      await replaceZone(ZONE, zoneText(true));
      await waitFor(
        'the alert on every channel',
        () =>
          receivers.slack.requests.length >= 1 &&
          receivers.smtp.mails.length >= 1 &&
          receivers.webhook.requests.length >= 1,
        60_000,
      );

      // kill -9 of a worker that has claimed a batch and not finished it.
      const victim = await waitFor(
        'a worker in the middle of a batch',
        () => {
          // Worker logs carry the worker id (<host>:<pid>); 'batch claimed' then 'run finished' bracket a batch.
          for (const pid of workerPids()) {
            const own = cluster.logs.filter((line) => String(line.worker ?? '').endsWith(`:${pid}`));
            const last = own.findLast((line) => line.msg === 'batch claimed' || line.msg === 'run finished');
            if (last?.msg === 'batch claimed') return pid;
          }
          return undefined;
        },
        30_000,
      );
      process.kill(victim, 'SIGKILL');
      const killedAt = Date.now();
      const died = () =>
        cluster.logs.filter((line) => String(line.msg).startsWith('worker died') && line.signal === 'SIGKILL');
      await waitFor('the supervisor restarting the worker', () => died().length >= 1 && workerPids().size >= 4);
      expect(died()[0]).toMatchObject({ pid: victim, signal: 'SIGKILL' });

      // Nothing lost: every domain is checked again after the kill. (How soon is asserted below from the gaps, with the
      // machine's own batch durations; this only must not wait forever.)
      await waitFor(
        'every domain checked after the kill',
        async () => {
          const done = await completions(db);
          return DOMAINS.every((domain) => (done.get(domain) ?? []).some((at) => at > killedAt));
        },
        (INTERVAL_S * 2 + CLAIM_COMES_BACK_S) * 1000 * 4,
      );
      // Two more full cycles to look at.
      await new Promise((resolve) => setTimeout(resolve, INTERVAL_S * 2 * 1000));
      const elapsedS = (Date.now() - started) / 1000;
      const done = await completions(db);

      // Once per cycle: consecutive checks of a domain at least half an interval apart (none twice), and never more
      // than one and a half intervals apart plus, once, the time a dead worker's claim takes to come back and two
      // batches (a worker finishing the batch it is in, then checking the claim that came back). The batches' own
      // durations are this machine's, measured from the workers' logs: a loaded machine's batches take longer.
      const batchSeconds = cluster.lines('run finished').map((line) => Number(line.durationMs) / 1000);
      const longestBatchS = Math.max(0, ...batchSeconds);
      const gaps: { domain: string; gap: number }[] = [];
      for (const domain of DOMAINS) {
        const times = done.get(domain) ?? [];
        const seen = `${domain} checked at ${times.map((at) => ((at - started) / 1000).toFixed(1)).join(', ')} s (killed at ${((killedAt - started) / 1000).toFixed(1)} s)`;
        // About one check per interval; the killed worker's domains miss up to three while its claim lapses.
        expect(times.length, seen).toBeGreaterThanOrEqual(Math.floor(elapsedS / INTERVAL_S) - 4);
        for (let i = 1; i < times.length; i++) gaps.push({ domain, gap: (times[i]! - times[i - 1]!) / 1000 });
      }
      const regular = gaps.filter((g) => g.domain !== BROKEN); // the broken one is re-checked to confirm
      const describe = (list: typeof gaps) => list.map((g) => `${g.domain} ${g.gap.toFixed(1)}`).join(', ');
      expect(Math.min(...regular.map((g) => g.gap)), describe(regular)).toBeGreaterThanOrEqual(INTERVAL_S / 2 - 1);
      expect(Math.max(...gaps.map((g) => g.gap)), describe(gaps)).toBeLessThanOrEqual(
        INTERVAL_S * 1.5 + CLAIM_COMES_BACK_S + 2 * longestBatchS + 2,
      );

      // Exactly one alert per channel for the one regression (besides the first checks' "already failing" notices:
      // the proxied MX names are not in the lab certificate).
      const hooks = receivers.webhook.requests.filter((request) => request.status === 200);
      const regressions = hooks.filter((request) =>
        (JSON.parse(request.body) as { notices: { type: string }[] }).notices.some((n) => n.type === 'regression'),
      );
      expect(regressions).toHaveLength(1);
      const notices = (
        JSON.parse(regressions[0]!.body) as { notices: { type: string; domain: string; check: string }[] }
      ).notices;
      expect(notices).toMatchObject([{ type: 'regression', domain: BROKEN, check: 'dmarc.policy' }]);
      const aboutDmarc = (text: string) =>
        text.includes(BROKEN) && /DMARC/i.test(text) && !/already failing/i.test(text);
      expect(receivers.slack.requests.filter((request) => aboutDmarc(request.body))).toHaveLength(1);
      expect(receivers.smtp.mails.filter((mail) => aboutDmarc(JSON.stringify(mail)))).toHaveLength(1);
      // Every message was delivered once: as many Slack messages as e-mails as webhook deliveries (one per batch with
      // notices, whichever worker delivered it).
      expect(receivers.slack.requests.length).toBe(hooks.length);
      expect(receivers.smtp.mails.length).toBe(hooks.length);

      // Polite: at most two SMTP connections per shared MX address per cycle for the whole cluster (a probe is the
      // STARTTLS conversation plus the legacy-TLS handshake).
      const cycles = Math.ceil(elapsedS / INTERVAL_S);
      console.log(
        `cluster e2e: ${elapsedS.toFixed(0)} s, ${cycles} cycles of ${INTERVAL_S} s; SMTP connections per shared MX ` +
          `address ${proxies.map((p, i) => `${MX_ADDRESSES[i]} ${p.connections}`).join(', ')}; ` +
          `re-check gaps ${Math.min(...regular.map((g) => g.gap)).toFixed(1)}–${Math.max(...gaps.map((g) => g.gap)).toFixed(1)} s; ` +
          `${batchSeconds.length} batches, longest ${longestBatchS.toFixed(1)} s; kill to all re-checked ` +
          `${((Math.min(...DOMAINS.map((d) => Math.min(...(done.get(d) ?? []).filter((at) => at > killedAt)))) - killedAt) / 1000).toFixed(1)}–` +
          `${((Math.max(...DOMAINS.map((d) => Math.min(...(done.get(d) ?? []).filter((at) => at > killedAt)))) - killedAt) / 1000).toFixed(1)} s`,
      );
      for (const proxy of proxies) expect(proxy.connections).toBeLessThanOrEqual(2 * cycles);
      expect(proxies.every((proxy) => proxy.connections > 0)).toBe(true);
    } finally {
      exit = await cluster.stop();
    }
    // SIGTERM to the supervisor: every worker finishes its batch and stops, then the supervisor.
    expect(exit).toEqual({ code: 0, signal: null });
    expect(cluster.lines('mailwarden stopped').length).toBeGreaterThanOrEqual(3);
    // No worker died but the one the test killed (a worker that fails at start is restarted too, but must not).
    expect(cluster.logs.filter((line) => String(line.msg).startsWith('worker died'))).toHaveLength(1);
    await config.remove();
  }, 240_000);
});
