/**
 * IPv6 test hosts: a network namespace of the lab's own, joined to the namespace the lab runs in by a veth pair,
 * with unique local addresses (fd00::/8) on both ends. Inside it run an NSD answering over IPv6 (every test zone, on
 * two addresses: two name servers) and an SMTP listener with STARTTLS and the lab's `good` certificate. One address
 * is configured but nothing listens on it (refused over IPv6). Addresses exist only on the veth pair the lab made;
 * deleting the namespace deletes the pair. Works in the root namespace (CI) and nested in another namespace.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuiltZone } from './build.ts';
import { isRunning, type LabProcess, startDaemon, stopDaemon } from './daemon.ts';
import { probe } from './dns-probe.ts';
import { exec, sleep } from './exec.ts';
import { nsdConfig, waitForAnswer } from './nsd.ts';
import { certsDir, runDir, serverDir } from './paths.ts';

const prefix = 'fd00:5353:25::';
/** The address plan of the IPv6 hosts (a /64 on the veth link). */
export const ipv6Hosts = {
  /** The lab's own end of the link (in the namespace the lab runs in). */
  local: `${prefix}1`,
  /** Two NSD addresses: write them as AAAA of two name servers. */
  nameservers: [`${prefix}53`, `${prefix}54`],
  /** SMTP with STARTTLS (certificate `good`) on port 25. */
  smtp: `${prefix}25`,
  /** Configured, nothing listens: connections and queries are refused. */
  refused: `${prefix}99`,
} as const;

const ipProgram = '/usr/sbin/ip';
const tag = createHash('sha256').update(runDir).digest('hex').slice(0, 8);
/** Unique per lab run directory, so labs of several work trees never share a name. */
export const ipv6Namespace = `mwlab6-${tag}`;
const hostLink = `mw6${tag}`;

async function ip(args: string[]): Promise<string> {
  return (await exec(ipProgram, args)).stdout;
}

async function namespaceExists(): Promise<boolean> {
  return (await ip(['netns', 'list'])).split('\n').some((line) => line.split(' ')[0] === ipv6Namespace);
}

/** Deletes this lab's namespace (and so its veth pair); run after its processes are stopped. */
export async function removeIpv6Namespace(): Promise<void> {
  if (existsSync(ipProgram) && (await namespaceExists())) await ip(['netns', 'delete', ipv6Namespace]);
}

async function makeNamespace(): Promise<void> {
  await removeIpv6Namespace();
  await ip(['netns', 'add', ipv6Namespace]);
  await ip(['-n', ipv6Namespace, 'link', 'set', 'lo', 'up']);
  await ip(['link', 'add', hostLink, 'type', 'veth', 'peer', 'name', 'eth6', 'netns', ipv6Namespace]);
  // nodad: the addresses are usable at once instead of after duplicate address detection
  await ip(['-6', 'addr', 'add', `${ipv6Hosts.local}/64`, 'dev', hostLink, 'nodad']);
  await ip(['link', 'set', hostLink, 'up']);
  const inside = [...ipv6Hosts.nameservers, ipv6Hosts.smtp, ipv6Hosts.refused];
  for (const address of inside) {
    await ip(['-n', ipv6Namespace, '-6', 'addr', 'add', `${address}/64`, 'dev', 'eth6', 'nodad']);
  }
  await ip(['-n', ipv6Namespace, 'link', 'set', 'eth6', 'up']);
}

/** Starts a program inside the namespace; `ip netns exec` execs it, so the recorded pid is the program's own. */
function startInside(name: string, program: string, args: string[]): LabProcess {
  const dir = serverDir(name);
  mkdirSync(dir, { recursive: true });
  const pidFile = join(dir, 'lab.pid');
  const proc = startDaemon(
    name,
    ipProgram,
    ['netns', 'exec', ipv6Namespace, program, ...args],
    join(dir, 'stdout.log'),
    pidFile,
  );
  const recorded: LabProcess = { ...proc, program };
  writeFileSync(pidFile, `${JSON.stringify(recorded)}\n`);
  return recorded;
}

async function waitUntilRunning(proc: LabProcess): Promise<void> {
  for (let i = 0; i < 100 && !isRunning(proc); i++) await sleep(20);
}

async function startNsd6(zones: BuiltZone[]): Promise<LabProcess> {
  const name = 'nsd-ipv6';
  const dir = serverDir(name);
  mkdirSync(dir, { recursive: true });
  const served = zones.filter((z) => z.server === 'zones').map((z) => ({ name: z.name, file: z.file }));
  const [first, second] = ipv6Hosts.nameservers;
  const config = nsdConfig({ name, address: first, zones: served })
    .replace('  do-ip6: no', '  do-ip6: yes')
    .replace(`  ip-address: ${first}`, `  ip-address: ${first}\n  ip-address: ${second}`);
  const configFile = join(dir, 'nsd.conf');
  writeFileSync(configFile, config);
  const proc = startInside(name, '/usr/sbin/nsd', ['-d', '-c', configFile, '-l', join(dir, 'nsd.log')]);
  await waitUntilRunning(proc);
  const zone = served[0]?.name ?? '.';
  for (const address of ipv6Hosts.nameservers) await waitForAnswer(proc, address, zone, served.length > 0);
  return proc;
}

async function startSmtp6(): Promise<LabProcess> {
  const script = fileURLToPath(new URL('./ipv6-smtp.ts', import.meta.url));
  const key = join(certsDir, 'good.key');
  const cert = join(certsDir, 'good.crt');
  const proc = startInside('smtp-ipv6', process.execPath, [script, ipv6Hosts.smtp, '25', key, cert]);
  await waitUntilRunning(proc);
  return proc;
}

/** Makes the namespace and starts its servers; the processes go into lab.json like every other lab server. */
export async function startIpv6Hosts(zones: BuiltZone[]): Promise<LabProcess[]> {
  await makeNamespace();
  const started: LabProcess[] = [];
  try {
    started.push(await startNsd6(zones));
    started.push(await startSmtp6());
    return started;
  } catch (error) {
    for (const proc of started) await stopDaemon(proc);
    await removeIpv6Namespace();
    throw error;
  }
}

/**
 * After a re-sign: SIGHUP the IPv6 NSD and wait until the zones that name it (an AAAA of ours in the zone) serve the
 * new serial there, so that no test sees the IPv6 name servers lag behind (dnssec.consistency would say so).
 */
export async function reloadIpv6Nsd(proc: LabProcess, rebuilt: BuiltZone[], serial: number): Promise<void> {
  if (!isRunning(proc)) return;
  process.kill(proc.pid, 'SIGHUP');
  // only zones this NSD serves (it read its zone list at start) and that give it as a name server
  const config = readFileSync(join(serverDir('nsd-ipv6'), 'nsd.conf'), 'utf8');
  const served = (zone: BuiltZone) => config.includes(`name: "${zone.name}."`);
  const naming = rebuilt.filter(
    (zone) => served(zone) && ipv6Hosts.nameservers.some((a) => readFileSync(zone.file, 'utf8').includes(a)),
  );
  const deadline = Date.now() + 10_000;
  for (const zone of naming) {
    for (const address of ipv6Hosts.nameservers) {
      let streak = 0;
      while (streak < 3) {
        const seen = await probe(address, zone.name, 'SOA', { recursive: false, timeoutMs: 500 })
          .then((a) => a.answers.find((r) => r.type === 'SOA'))
          .catch(() => undefined);
        streak = seen?.type === 'SOA' && seen.data.serial === serial ? streak + 1 : 0;
        if (Date.now() > deadline)
          throw new Error(`${address} still does not serve ${zone.name} with serial ${serial}`);
        if (streak < 3) await sleep(25);
      }
    }
  }
}
