import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { authoritative, deadNsAddress } from './addresses.ts';
import { mapLimit } from './exec.ts';
import { dnskeyRecord, dsRecords, ensureKeys } from './keys.ts';
import { buildCacheDir, overridesDir, runDir, signedZonesDir, staleZonesDir, zonesSourceDir } from './paths.ts';
import { absoluteName, canonicalRecords, formatRr, fqdn, type Rr } from './records.ts';
import { type SignatureWindow, signatureWindow, signZone } from './signer.ts';
import { tlsaRdata } from './tlsa.ts';
import { defaultDirectives, readZoneSources, type ZoneSource } from './zone-source.ts';

export type ServerRole = 'root' | 'tld' | 'zones';

export interface NameserverInfo {
  name: string;
  address: string;
  /** `primary` serves the current copy, `stale` an older one, `dead` never answers. */
  role: 'primary' | 'stale' | 'dead';
}

/** What the lab built for one zone; lab.json lists these so tests can assert against the facts. */
export interface BuiltZone {
  name: string;
  source: string;
  parent: string | null;
  server: ServerRole;
  file: string;
  staleFile?: string;
  serial: number;
  signed: boolean;
  algorithm?: string;
  kskTag?: number;
  /** DS records put in the parent (none when unsigned or `ds=none`). */
  ds: string[];
  inception?: string;
  expiration?: string;
  staleExpiration?: string;
  nameservers: NameserverInfo[];
}

export interface BuildResult {
  zones: BuiltZone[];
  rootKsk: Rr;
  rootDs: Rr;
}

const defaultTtl = 300;

/** Reads every zone source (repository zones, then test overrides), delegates, signs bottom-up and writes the files. */
export async function buildZones(serial: number, now: Date, options: { force: boolean }): Promise<BuildResult> {
  const sources = collectSources();
  const names = new Set(sources.map((s) => s.name));
  const parentOf = (name: string): string => {
    let rest = name;
    while (rest.includes('.')) {
      rest = rest.slice(rest.indexOf('.') + 1);
      if (names.has(rest)) return rest;
    }
    return name === '.' ? '' : '.';
  };
  const byDepth = [...sources].sort((a, b) => depth(b.name) - depth(a.name));
  const levels = new Map<number, ZoneSource[]>();
  for (const s of byDepth) levels.set(depth(s.name), [...(levels.get(depth(s.name)) ?? []), s]);

  mkdirSync(signedZonesDir, { recursive: true });
  mkdirSync(staleZonesDir, { recursive: true });
  const delegations = new Map<string, Rr[]>();
  const built: BuiltZone[] = [];
  let rootKsk: Rr | undefined;
  let rootDs: Rr | undefined;
  for (const level of levels.values()) {
    await mapLimit(level, 8, async (source) => {
      const childDelegations = (delegations.get(source.name) ?? []).sort((a, b) =>
        formatRr(a).localeCompare(formatRr(b)),
      );
      const zone = await buildOneCached(source, serial, now, childDelegations, options.force);
      built.push(zone.info);
      if (source.name === '.') {
        rootKsk = zone.ksk;
        rootDs = zone.ds[0];
        return;
      }
      zone.info.parent = parentOf(source.name);
      const parentRecords = delegations.get(zone.info.parent) ?? [];
      parentRecords.push(...zone.delegation, ...zone.ds);
      delegations.set(zone.info.parent, parentRecords);
    });
  }
  if (!rootKsk || !rootDs) throw new Error('the root zone was not signed');
  built.sort((a, b) => a.name.localeCompare(b.name));
  return { zones: built, rootKsk, rootDs };
}

/**
 * Owner names of A records per address, across every zone source: the lab's certificates name the hosts that the
 * zones point at their listeners.
 */
export async function namesByAddress(): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>();
  await mapLimit(collectSources(), 8, async (source) => {
    const records = await canonicalRecords(source.text, fqdn(source.name), source.origin, join(runDir, 'work'));
    for (const r of records) {
      if (r.type !== 'A') continue;
      const name = r.owner.replace(/\.$/, '');
      result.set(r.rdata, [...(result.get(r.rdata) ?? []), name]);
    }
  });
  for (const [address, names] of result) result.set(address, [...new Set(names)].sort());
  return result;
}

function depth(name: string): number {
  return name === '.' ? 0 : name.split('.').length;
}

function collectSources(): ZoneSource[] {
  const byName = new Map<string, ZoneSource>();
  for (const source of readZoneSources(zonesSourceDir)) {
    const other = byName.get(source.name);
    if (other) throw new Error(`zone ${source.name} is defined twice: ${other.origin} and ${source.origin}`);
    byName.set(source.name, source);
  }
  for (const override of readZoneSources(overridesDir)) byName.set(override.name, override);
  for (const name of ['test', '.']) {
    if (byName.has(name))
      throw new Error(`zone ${name} is built by the lab itself; rename ${byName.get(name)?.origin}`);
    byName.set(name, { name, origin: `(lab: ${name})`, text: '', directives: defaultDirectives() });
  }
  return [...byName.values()];
}

function roleOf(name: string): ServerRole {
  if (name === '.') return 'root';
  if (name === 'test') return 'tld';
  return 'zones';
}

function labNameservers(source: ZoneSource, origin: string): NameserverInfo[] {
  const role = roleOf(source.name);
  if (role === 'root')
    return [{ name: authoritative.root.nsName, address: authoritative.root.address, role: 'primary' }];
  if (role === 'tld') return [{ name: authoritative.tld.nsName, address: authoritative.tld.address, role: 'primary' }];
  const list: NameserverInfo[] = [{ name: `ns1.${origin}`, address: authoritative.zones.address, role: 'primary' }];
  if (source.directives.secondary === 'stale')
    list.push({ name: `ns2.${origin}`, address: authoritative.stale.address, role: 'stale' });
  if (source.directives.nsDead) list.push({ name: `ns3.${origin}`, address: deadNsAddress, role: 'dead' });
  return list;
}

interface BuiltOne {
  info: BuiltZone;
  delegation: Rr[];
  ds: Rr[];
  ksk?: Rr;
}

/**
 * A zone whose source and child delegations are unchanged since the last build keeps its signed file (a test's
 * replaceZone then re-signs one zone, not the whole lab). Parents are rebuilt when a child's NS, glue or DS changed.
 */
async function buildOneCached(
  source: ZoneSource,
  serial: number,
  now: Date,
  childDelegations: Rr[],
  force: boolean,
): Promise<BuiltOne> {
  const digest = createHash('sha256')
    .update(JSON.stringify([source.text, source.directives, childDelegations]))
    .digest('hex');
  const cacheFile = join(buildCacheDir, `${source.name === '.' ? 'root' : source.name}.json`);
  if (!force && existsSync(cacheFile)) {
    const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as BuiltOne & { digest: string };
    if (cached.digest === digest && existsSync(cached.info.file)) return cached;
  }
  const built = await buildOne(source, serial, now, childDelegations);
  mkdirSync(buildCacheDir, { recursive: true });
  writeFileSync(cacheFile, JSON.stringify({ ...built, digest }));
  return built;
}

async function buildOne(source: ZoneSource, serial: number, now: Date, childDelegations: Rr[]): Promise<BuiltOne> {
  const d = source.directives;
  const origin = fqdn(source.name);
  const records = await canonicalRecords(source.text, origin, source.origin, join(runDir, 'work'));
  for (const r of records) {
    if (r.owner !== origin && !r.owner.endsWith(origin === '.' ? '.' : `.${origin}`))
      throw new Error(`${source.origin}: ${r.owner} is outside the zone ${origin}`);
  }
  const nameservers = labNameservers(source, origin);
  for (const ns of nameservers) {
    records.push({ owner: origin, ttl: defaultTtl, type: 'NS', rdata: ns.name });
    records.push({ owner: ns.name, ttl: defaultTtl, type: 'A', rdata: ns.address });
  }
  for (const t of d.tlsa)
    records.push({ owner: absoluteName(t.owner, origin), ttl: defaultTtl, type: 'TLSA', rdata: tlsaRdata(t) });
  const soaIndex = records.findIndex((r) => r.type === 'SOA' && r.owner === origin);
  const soaFor = (s: number): Rr => {
    const existing = records[soaIndex];
    if (!existing)
      return {
        owner: origin,
        ttl: defaultTtl,
        type: 'SOA',
        rdata: `${nameservers[0]?.name} hostmaster.${origin === '.' ? '' : origin} ${s} 3600 600 86400 60`,
      };
    const fields = existing.rdata.split(/\s+/);
    fields[2] = String(s);
    return { ...existing, rdata: fields.join(' ') };
  };
  const body = [...records.filter((_, i) => i !== soaIndex), ...childDelegations];
  const current = [soaFor(serial), ...body];
  const stale = [soaFor(serial - 1), ...body];

  const fileBase = source.name === '.' ? 'root' : source.name;
  const info: BuiltZone = {
    name: source.name,
    source: source.origin,
    parent: null,
    server: roleOf(source.name),
    file: join(signedZonesDir, `${fileBase}.zone`),
    serial,
    signed: d.sign !== 'none',
    ds: [],
    nameservers,
  };
  if (d.secondary === 'stale') info.staleFile = join(staleZonesDir, `${fileBase}.zone`);

  const apexNs = records.filter((r) => r.owner === origin && r.type === 'NS');
  const glue = records.filter(
    (r) => (r.type === 'A' || r.type === 'AAAA') && apexNs.some((ns) => fqdn(ns.rdata) === r.owner),
  );
  const delegation = [...apexNs, ...glue];

  if (d.sign === 'none') {
    writeAtomically(info.file, current);
    if (info.staleFile) writeAtomically(info.staleFile, stale);
    return { info, delegation, ds: [] };
  }
  const keys = await ensureKeys(source.name, d.sign, d.bits, d.ds === 'wrong');
  const window = signatureWindow(d, now);
  writeAtomically(info.file, await signZone(source.name, current, keys, d, window, 'current'));
  info.algorithm = d.sign;
  info.kskTag = keys.kskTag;
  info.inception = window.inception.toISOString();
  info.expiration = window.expiration.toISOString();
  if (info.staleFile) {
    const staleWindow: SignatureWindow = {
      inception: new Date((Math.floor(now.getTime() / 1000) - 10 * 86400) * 1000),
      expiration: new Date((Math.floor(now.getTime() / 1000) + d.secondaryExpire) * 1000),
    };
    writeAtomically(info.staleFile, await signZone(source.name, stale, keys, d, staleWindow, 'stale'));
    info.staleExpiration = staleWindow.expiration.toISOString();
  }
  let ds: Rr[] = [];
  if (d.ds === 'normal') ds = dsRecords(keys.ksk, d.dsDigests, defaultTtl);
  if (d.ds === 'wrong') ds = dsRecords(keys.unusedKsk!, d.dsDigests, defaultTtl);
  info.ds = ds.map(formatRr);
  return { info, delegation, ds, ksk: dnskeyRecord(keys.ksk, defaultTtl) };
}

/** NSD reloads on SIGHUP only files whose mtime changed, so a rewrite always moves the mtime forward a second. */
function writeAtomically(file: string, rrs: Rr[]): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${rrs.map(formatRr).join('\n')}\n`);
  const nowSeconds = Math.floor(Date.now() / 1000);
  const previous = existsSync(file) ? Math.floor(statSync(file).mtimeMs / 1000) : 0;
  const mtime = Math.max(nowSeconds, previous + 1);
  utimesSync(tmp, mtime, mtime);
  renameSync(tmp, file);
}
