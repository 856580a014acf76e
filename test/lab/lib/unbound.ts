import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { authoritative, dnsPort, resolverAddress } from './addresses.ts';
import { type LabProcess, logTail, startDaemon } from './daemon.ts';
import { probe } from './dns-probe.ts';
import { exec, sleep } from './exec.ts';
import { serverDir, trustAnchorDsFile } from './paths.ts';

export interface UnboundInstance {
  name: string;
  address: string;
}

export const sharedResolver: UnboundInstance = { name: 'unbound', address: resolverAddress };
export const unboundConfigFile = configFileOf(sharedResolver);

export function configFileOf(instance: UnboundInstance): string {
  return join(serverDir(instance.name), 'unbound.conf');
}

/**
 * A validating resolver that trusts only the lab's private root. `test.` is blocked by Unbound's default local
 * zones, hence `nodefault`; 127.0.0.0/8 servers need `do-not-query-localhost: no`. Caches are small and short so
 * tests see zone changes quickly; tests that mutate zones flush explicitly anyway.
 */
export function unboundConfig(instance: UnboundInstance): string {
  const dir = serverDir(instance.name);
  return `server:
  interface: ${instance.address}
  port: ${dnsPort}
  do-ip4: yes
  do-ip6: no
  do-udp: yes
  do-tcp: yes
  so-reuseport: no
  outgoing-interface: ${instance.address}
  access-control: 127.0.0.0/8 allow
  username: ""
  chroot: ""
  directory: "${dir}"
  pidfile: "${join(dir, 'unbound.pid')}"
  use-syslog: no
  logfile: ""
  log-time-ascii: yes
  verbosity: 1
  val-log-level: 2
  ede: yes
  num-threads: 1
  module-config: "validator iterator"
  root-hints: "${join(dir, 'root.hints')}"
  trust-anchor-file: "${trustAnchorDsFile}"
  do-not-query-localhost: no
  local-zone: "test." nodefault
  serve-expired: no
  prefetch: no
  msg-cache-size: 4m
  rrset-cache-size: 4m
  key-cache-size: 1m
  neg-cache-size: 1m
  cache-max-ttl: 300
  cache-max-negative-ttl: 60
  val-bogus-ttl: 5
  infra-host-ttl: 60
remote-control:
  control-enable: yes
  control-interface: "${join(dir, 'control.sock')}"
  control-use-cert: no
`;
}

export function rootHints(): string {
  return `.\t3600000\tIN\tNS\t${authoritative.root.nsName}\n${authoritative.root.nsName}\t3600000\tIN\tA\t${authoritative.root.address}\n`;
}

export async function startUnbound(instance: UnboundInstance = sharedResolver): Promise<LabProcess> {
  const dir = serverDir(instance.name);
  const configFile = configFileOf(instance);
  mkdirSync(dir, { recursive: true });
  writeFileSync(configFile, unboundConfig(instance));
  writeFileSync(join(dir, 'root.hints'), rootHints());
  await exec('unbound-checkconf', [configFile]);
  const proc = startDaemon(
    instance.name,
    '/usr/sbin/unbound',
    ['-d', '-c', configFile],
    join(dir, 'unbound.log'),
    join(dir, 'lab.pid'),
  );
  await waitForValidatedAnswer(proc, instance.address);
  return proc;
}

/** Waits until Unbound answers `test. SOA` with AD: the chain from the lab's root trust anchor validates. */
export async function waitForValidatedAnswer(proc: LabProcess, address: string, timeoutMs = 15000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    try {
      const answer = await probe(address, 'test', 'SOA', { timeoutMs: 250 });
      if (answer.rcode === 'NOERROR' && answer.ad) return;
      lastError = `test. SOA answered ${answer.rcode}${answer.ad ? '' : ' without AD'}`;
    } catch (error) {
      lastError = (error as Error).message;
    }
    await sleep(50);
  }
  throw new Error(
    `unbound on ${resolverAddress} did not validate test. SOA (${lastError}). Log:\n${logTail(proc.logFile)}`,
  );
}

export async function unboundControl(instance: UnboundInstance, ...args: string[]): Promise<string> {
  const { stdout } = await exec('unbound-control', ['-c', configFileOf(instance), ...args]);
  return stdout;
}
