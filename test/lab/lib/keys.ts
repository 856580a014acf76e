import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exec } from './exec.ts';
import { keysDir } from './paths.ts';
import { fqdn, type Rr } from './records.ts';
import { type AlgorithmName, algorithms } from './zone-source.ts';

/** The keys of one zone, made by BIND's dnssec-keygen. Paths are key-file bases (without `.key`/`.private`). */
export interface ZoneKeys {
  algorithm: AlgorithmName;
  bits?: number;
  ksk: string;
  zsk: string;
  /** A KSK that never appears in the zone: its DS is the "DS matching no DNSKEY" of `ds=wrong`. */
  unusedKsk?: string;
  kskTag: number;
}

function keyDirFor(zone: string): string {
  return join(keysDir, zone === '.' ? '_root' : zone);
}

/** Reuses the zone's keys when they fit its directives (so a re-sign keeps the DS valid), else makes fresh ones. */
export async function ensureKeys(
  zone: string,
  algorithm: AlgorithmName,
  bits: number | undefined,
  withUnusedKsk: boolean,
): Promise<ZoneKeys> {
  const dir = keyDirFor(zone);
  const manifest = join(dir, 'keys.json');
  let keys: ZoneKeys | undefined;
  if (existsSync(manifest)) {
    const stored = JSON.parse(readFileSync(manifest, 'utf8')) as ZoneKeys;
    if (stored.algorithm === algorithm && stored.bits === bits) keys = stored;
  }
  mkdirSync(dir, { recursive: true });
  const make = async (ksk: boolean): Promise<string> => {
    const args = ['-q', '-K', dir, '-a', algorithms[algorithm].keygen, '-n', 'ZONE'];
    if (bits !== undefined) args.push('-b', String(bits));
    if (ksk) args.push('-f', 'KSK');
    const { stdout } = await exec('dnssec-keygen', [...args, fqdn(zone)]);
    return join(dir, stdout.trim());
  };
  if (!keys) {
    const [ksk, zsk] = await Promise.all([make(true), make(false)]);
    keys = { algorithm, bits, ksk, zsk, kskTag: keyTagOf(ksk) };
  }
  if (withUnusedKsk && !keys.unusedKsk) keys.unusedKsk = await make(true);
  writeFileSync(manifest, JSON.stringify(keys, null, 2));
  return keys;
}

function keyTagOf(keyBase: string): number {
  return Number(/\+(\d+)$/.exec(keyBase)?.[1]);
}

/** The DNSKEY record of a key file, with a TTL. */
export function dnskeyRecord(keyBase: string, ttl: number): Rr {
  const line = readFileSync(`${keyBase}.key`, 'utf8')
    .split('\n')
    .find((l) => l.trim() !== '' && !l.startsWith(';'));
  const match = line && /^(\S+)\s+IN\s+DNSKEY\s+(.*)$/.exec(line);
  if (!match) throw new Error(`no DNSKEY in ${keyBase}.key`);
  return { owner: (match[1] as string).toLowerCase(), ttl, type: 'DNSKEY', rdata: (match[2] as string).trim() };
}

const digestAlgorithms: Record<number, string> = { 1: 'sha1', 2: 'sha256', 4: 'sha384' };

/** DS records per RFC 4034 section 5.1.4: digest over the owner in wire form and the DNSKEY RDATA. */
export function dsRecords(keyBase: string, digests: number[], ttl: number): Rr[] {
  const dnskey = dnskeyRecord(keyBase, ttl);
  const [flags, protocol, algorithm, ...key] = dnskey.rdata.split(/\s+/);
  const rdata = Buffer.concat([
    Buffer.from([Number(flags) >> 8, Number(flags) & 0xff, Number(protocol), Number(algorithm)]),
    Buffer.from(key.join(''), 'base64'),
  ]);
  return digests.map((digest) => {
    const hash = digestAlgorithms[digest];
    if (!hash) throw new Error(`DS digest type ${digest} is not supported`);
    const value = createHash(hash).update(ownerWire(dnskey.owner)).update(rdata).digest('hex').toUpperCase();
    return { owner: dnskey.owner, ttl, type: 'DS', rdata: `${keyTagOf(keyBase)} ${algorithm} ${digest} ${value}` };
  });
}

function ownerWire(owner: string): Buffer {
  const labels = owner === '.' ? [] : owner.replace(/\.$/, '').split('.');
  return Buffer.concat([
    ...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'ascii')])),
    Buffer.from([0]),
  ]);
}
