import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { dnsPort, resolverAddress } from './addresses.ts';
import { writeTrustAnchors } from './anchors.ts';
import { type BuiltZone, buildZones, namesByAddress } from './build.ts';
import { caCertFile, makeCa, makeCerts } from './certs.ts';
import { isRunning, type LabProcess, recordedProcesses, stopDaemon } from './daemon.ts';
import { probe } from './dns-probe.ts';
import { sleep } from './exec.ts';
import { httpsCertSpecs, reloadNginx, startNginx } from './https.ts';
import { ipv6Hosts, ipv6Namespace, reloadIpv6Nsd, removeIpv6Namespace, startIpv6Hosts } from './ipv6-hosts.ts';
import { withLabLock } from './lock.ts';
import { type NsdInstance, nsdInstances, startNsd } from './nsd.ts';
import { ensurePackages } from './packages.ts';
import { delvAnchorFile, labJsonFile, runDir, trustAnchorDnskeyFile, trustAnchorDsFile } from './paths.ts';
import { smtpCertSpecs, smtpPersonalities, startPostfix, startSilentSmtp } from './smtp.ts';
import { type LabState, readLabState, writeLabState } from './state.ts';
import { PhaseTimer } from './timings.ts';
import { sharedResolver, startUnbound, type UnboundInstance, unboundConfigFile, unboundControl } from './unbound.ts';

export type Log = (line: string) => void;

/** Stops whatever a previous lab left, wipes run/ (but the registered users), builds and signs every zone, starts NSD and Unbound. */
export async function startLab(log: Log): Promise<LabState> {
  const timer = new PhaseTimer();
  await timer.time('stop-previous', () => stopLab(log));
  mkdirSync(runDir, { recursive: true });
  for (const entry of readdirSync(runDir)) {
    if (entry !== 'users') rmSync(join(runDir, entry), { recursive: true, force: true });
  }
  await timer.time('packages', () => ensurePackages(log));
  await timer.time('certs', async () => {
    const names = await namesByAddress();
    await makeCa();
    await makeCerts([...smtpCertSpecs(names), ...httpsCertSpecs()]);
  });
  const serial = Math.floor(Date.now() / 1000);
  const built = await timer.time('zones', () => buildZones(serial, new Date(), { force: true }));
  writeTrustAnchors(built.rootKsk, built.rootDs);
  const instances = nsdInstances(built.zones);
  const processes: LabProcess[] = [];
  const state: LabState = {
    startedAt: new Date().toISOString(),
    resolver: { address: resolverAddress, port: dnsPort },
    trustAnchorFile: trustAnchorDsFile,
    trustAnchorDnskeyFile,
    delvAnchorFile,
    unboundConfigFile,
    authoritative: describeInstances(instances),
    zones: built.zones,
    serial,
    processes,
    timings: timer.phases,
    caFile: caCertFile,
    smtp: smtpPersonalities.map(({ personality, address, port, cert, description }) => ({
      personality,
      address,
      port,
      cert,
      description,
    })),
  };
  const started = async (name: string, start: () => Promise<LabProcess>) => {
    processes.push(await timer.time(name, start));
  };
  try {
    const dns = (async () => {
      processes.push(...(await timer.time('nsd', () => Promise.all(instances.map(startNsd)))));
      await started('unbound', () => startUnbound());
    })();
    const mail = Promise.all([started('postfix', startPostfix), started('silent-smtp', startSilentSmtp)]);
    const web = timer.time('nginx', async () => {
      const { proc, hosts } = await startNginx();
      processes.push(proc);
      state.https = hosts;
    });
    const ipv6 = timer.time('ipv6', async () => {
      processes.push(...(await startIpv6Hosts(built.zones)));
      state.ipv6 = { namespace: ipv6Namespace, ...ipv6Hosts };
    });
    const results = await Promise.allSettled([dns, mail, web, ipv6]);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (error) {
    for (const proc of processes) await stopDaemon(proc);
    await removeIpv6Namespace();
    throw error;
  }
  state.timings = { ...timer.phases, total: timer.total() };
  writeLabState(state);
  log(`lab started: ${built.zones.length} zones; ${timer.describe()}`);
  return state;
}

function describeInstances(instances: NsdInstance[]): LabState['authoritative'] {
  return instances.map((i) => ({ name: i.name, address: i.address, port: dnsPort, zones: i.zones.map((z) => z.name) }));
}

/** Stops every process the lab recorded, by pid. */
export async function stopLab(log: Log): Promise<void> {
  const recorded = new Map<number, LabProcess>();
  for (const proc of [...(readLabState()?.processes ?? []), ...recordedProcesses(runDir)]) recorded.set(proc.pid, proc);
  const running = [...recorded.values()].filter(isRunning);
  await Promise.all(running.map((proc) => stopDaemon(proc)));
  await removeIpv6Namespace();
  rmSync(labJsonFile, { force: true });
  if (running.length > 0) log(`lab stopped: ${running.map((p) => `${p.name} (pid ${p.pid})`).join(', ')}`);
}

export interface LabHealth {
  healthy: boolean;
  problems: string[];
  state?: LabState;
}

/** Healthy when every recorded process runs and Unbound validates the lab root's chain (AD on `test. SOA`). */
export async function labHealth(): Promise<LabHealth> {
  const state = readLabState();
  if (!state) return { healthy: false, problems: ['no run/lab.json: the lab is not running'] };
  const problems = state.processes
    .filter((p) => !p.name.startsWith('resolver-') && !p.name.startsWith('postgres-') && !isRunning(p))
    .map((p) => `${p.name} (pid ${p.pid}) is not running`);
  try {
    const answer = await probe(state.resolver.address, 'test', 'SOA', { timeoutMs: 1500 });
    if (!answer.ad) problems.push(`unbound answers test. SOA ${answer.rcode} without AD`);
  } catch (error) {
    problems.push(`unbound: ${(error as Error).message}`);
  }
  return { healthy: problems.length === 0, problems, state };
}

/**
 * Re-reads every zone source (repository and test overrides), re-signs with the existing keys, and makes NSD serve
 * the result: SIGHUP where the zone set is unchanged, a restart where zones were added or removed. Returns when every
 * zone's new serial is visible on its servers.
 */
export async function rebuildLab(options: { force: boolean } = { force: false }): Promise<LabState> {
  return withLabLock(async () => {
    const state = readLabState();
    if (!state) throw new Error('the lab is not running (no run/lab.json)');
    const serial = Math.max(Math.floor(Date.now() / 1000), state.serial + 1);
    const built = await buildZones(serial, new Date(), options);
    writeTrustAnchors(built.rootKsk, built.rootDs);
    const instances = nsdInstances(built.zones);
    for (const instance of instances) {
      const proc = state.processes.find((p) => p.name === instance.name);
      if (!proc) throw new Error(`lab.json has no process ${instance.name}`);
      const before = state.authoritative.find((a) => a.name === instance.name)?.zones ?? [];
      const after = instance.zones.map((z) => z.name);
      if (sameSet(before, after) && isRunning(proc)) {
        process.kill(proc.pid, 'SIGHUP');
      } else {
        await stopDaemon(proc);
        state.processes[state.processes.indexOf(proc)] = await startNsd(instance);
      }
    }
    const rebuilt = built.zones.filter((zone) => zone.serial === serial);
    await Promise.all(rebuilt.map((zone) => waitForSerial(zone, serial)));
    const nginx = state.processes.find((p) => p.name === 'nginx');
    if (nginx && isRunning(nginx)) state.https = await reloadNginx(nginx);
    state.serial = serial;
    state.zones = built.zones;
    state.authoritative = describeInstances(instances);
    writeLabState(state);
    // after the state is saved: a lagging IPv6 server must not leave lab.json naming processes that were replaced
    const nsd6 = state.processes.find((p) => p.name === 'nsd-ipv6');
    if (nsd6) await reloadIpv6Nsd(nsd6, rebuilt, serial);
    return state;
  });
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

async function waitForSerial(zone: BuiltZone, serial: number): Promise<void> {
  // A large zone (the 100,000-domain bench zone is ~200 MB signed) takes NSD a while to read after a reload.
  const timeoutMs = 10_000 + Math.ceil((existsSync(zone.file) ? statSync(zone.file).size : 0) / 1_000_000) * 500;
  const servers = zone.nameservers.filter((ns) => ns.role !== 'dead');
  const deadline = Date.now() + timeoutMs;
  for (const ns of servers) {
    const wanted = ns.role === 'stale' ? serial - 1 : serial;
    // NSD's old server process may answer for a moment after a reload: require the new serial several times in a row.
    let streak = 0;
    for (;;) {
      const seen = await probe(ns.address, zone.name, 'SOA', { recursive: false, timeoutMs: 500 })
        .then((a) => a.answers.find((r) => r.type === 'SOA'))
        .catch(() => undefined);
      streak = seen && seen.type === 'SOA' && seen.data.serial === wanted ? streak + 1 : 0;
      if (streak >= 5) break;
      if (Date.now() > deadline)
        throw new Error(`${ns.address} still does not serve ${zone.name} with serial ${wanted}`);
      await sleep(25);
    }
  }
}

/** Empties Unbound's caches (everything at or below `zone`, plus bogus, negative and infrastructure data). */
export async function flushResolver(zone = '.', instance: UnboundInstance = sharedResolver): Promise<void> {
  await unboundControl(instance, 'flush_zone', zone);
  await unboundControl(instance, 'flush_bogus');
  await unboundControl(instance, 'flush_negative');
  await unboundControl(instance, 'flush_infra', 'all');
}
