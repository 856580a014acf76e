import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { authoritative, dnsPort } from './addresses.ts';
import type { BuiltZone } from './build.ts';
import { isRunning, type LabProcess, logTail, startDaemon } from './daemon.ts';
import { probe } from './dns-probe.ts';
import { sleep } from './exec.ts';
import { serverDir } from './paths.ts';

export interface NsdInstance {
  name: string;
  address: string;
  zones: { name: string; file: string }[];
}

/** Four NSD instances: the root, `test.`, the test zones, and the stale secondary's older copies. */
export function nsdInstances(zones: BuiltZone[]): NsdInstance[] {
  const pick = (server: BuiltZone['server']) =>
    zones.filter((z) => z.server === server).map((z) => ({ name: z.name, file: z.file }));
  return [
    { name: 'nsd-root', address: authoritative.root.address, zones: pick('root') },
    { name: 'nsd-tld', address: authoritative.tld.address, zones: pick('tld') },
    { name: 'nsd-zones', address: authoritative.zones.address, zones: pick('zones') },
    {
      name: 'nsd-stale',
      address: authoritative.stale.address,
      zones: zones.flatMap((z) => (z.staleFile ? [{ name: z.name, file: z.staleFile }] : [])),
    },
  ];
}

export function nsdConfig(instance: NsdInstance): string {
  const dir = serverDir(instance.name);
  const lines = [
    'server:',
    `  ip-address: ${instance.address}`,
    `  port: ${dnsPort}`,
    '  do-ip6: no',
    '  username: ""',
    '  chroot: ""',
    '  database: ""',
    `  zonelistfile: "${join(dir, 'zone.list')}"`,
    `  xfrdfile: "${join(dir, 'xfrd.state')}"`,
    `  xfrdir: "${dir}"`,
    `  pidfile: "${join(dir, 'nsd.pid')}"`,
    '  server-count: 1',
    '  verbosity: 1',
    '  hide-version: yes',
    '  reuseport: no',
    // Debian's NSD limits responses per client netblock (RRL, 200 a second): every lab query comes from Unbound on
    // one address, and a bench's NXDOMAINs for one zone share one bucket, so the lab would measure the limit.
    '  rrl-ratelimit: 0',
    '  rrl-whitelist-ratelimit: 0',
    'remote-control:',
    '  control-enable: no',
  ];
  for (const zone of instance.zones) {
    lines.push('zone:', `  name: "${zone.name === '.' ? '.' : `${zone.name}.`}"`, `  zonefile: "${zone.file}"`);
  }
  return `${lines.join('\n')}\n`;
}

/** Writes the config and starts `nsd -d` (foreground, detached from us), then waits until it answers. */
export async function startNsd(instance: NsdInstance): Promise<LabProcess> {
  const dir = serverDir(instance.name);
  mkdirSync(dir, { recursive: true });
  const configFile = join(dir, 'nsd.conf');
  writeFileSync(configFile, nsdConfig(instance));
  const firstZone = instance.zones[0]?.name;
  // NSD answers once every zone is read: a bench zone of 100,000 domains (~200 MB signed) takes a while.
  const zoneBytes = instance.zones.reduce(
    (sum, zone) => sum + (existsSync(zone.file) ? statSync(zone.file).size : 0),
    0,
  );
  const timeoutMs = 15_000 + Math.ceil(zoneBytes / 1_000_000) * 500;
  // a restarted NSD can find its address still held for a moment by the server children of the one it replaces
  for (let attempt = 1; ; attempt++) {
    const proc = startDaemon(
      instance.name,
      '/usr/sbin/nsd',
      ['-d', '-c', configFile, '-l', join(dir, 'nsd.log')],
      join(dir, 'stdout.log'),
      join(dir, 'lab.pid'),
    );
    try {
      await waitForAnswer(proc, instance.address, firstZone ?? '.', firstZone !== undefined, timeoutMs);
      return proc;
    } catch (error) {
      const busy = !isRunning(proc) && logTail(join(dir, 'nsd.log'), 3).includes('Address already in use');
      if (!busy || attempt >= 5) throw error;
      await sleep(200 * attempt);
    }
  }
}

/** Waits until the server answers a SOA query for the zone (authoritatively, when it should have the zone loaded). */
export async function waitForAnswer(
  proc: LabProcess,
  address: string,
  zone: string,
  authoritativeAnswer: boolean,
  timeoutMs = 15000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    if (!isRunning(proc)) {
      lastError = 'the server exited';
      break;
    }
    try {
      const answer = await probe(address, zone, 'SOA', { recursive: false, timeoutMs: 300 });
      if (!authoritativeAnswer || answer.aa) return;
      lastError = `answer without AA (${answer.rcode})`;
    } catch (error) {
      lastError = (error as Error).message;
    }
    await sleep(30);
  }
  const logFile = join(serverDir(proc.name), 'nsd.log');
  throw new Error(
    `${proc.name} on ${address} did not answer (${lastError}). Log:\n${logTail(logFile)}\n${logTail(proc.logFile)}`,
  );
}
