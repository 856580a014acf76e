import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exec } from './exec.ts';
import { keysDir } from './paths.ts';
import { fqdn, parseRrLines, type Rr } from './records.ts';
import { type AlgorithmName, algorithms } from './zone-source.ts';

/** The keys of one zone, made by BIND's dnssec-keygen. Paths are key-file bases (without `.key`/`.private`). */
export interface ZoneKeys {
  algorithm: AlgorithmName;
  bits?: number;
  ksk: string;
  zsk: string;
  /** A KSK that never appears in the zone: its DS is the "DS matching no DNSKEY" of `ds=wrong`. */
  unusedKsk: string;
  kskTag: number;
}

function keyDirFor(zone: string): string {
  return join(keysDir, zone === '.' ? '_root' : zone);
}

/** Reuses the zone's keys when they fit its directives (so a re-sign keeps the DS valid), else makes fresh ones. */
export async function ensureKeys(zone: string, algorithm: AlgorithmName, bits: number | undefined): Promise<ZoneKeys> {
  const dir = keyDirFor(zone);
  const manifest = join(dir, 'keys.json');
  if (existsSync(manifest)) {
    const keys = JSON.parse(readFileSync(manifest, 'utf8')) as ZoneKeys;
    if (keys.algorithm === algorithm && keys.bits === bits) return keys;
  }
  mkdirSync(dir, { recursive: true });
  const make = async (ksk: boolean): Promise<string> => {
    const args = ['-q', '-K', dir, '-a', algorithms[algorithm].keygen, '-n', 'ZONE'];
    if (bits !== undefined) args.push('-b', String(bits));
    if (ksk) args.push('-f', 'KSK');
    const { stdout } = await exec('dnssec-keygen', [...args, fqdn(zone)]);
    return join(dir, stdout.trim());
  };
  const [ksk, zsk, unusedKsk] = await Promise.all([make(true), make(false), make(true)]);
  const kskTag = Number(/\+(\d+)$/.exec(ksk)?.[1]);
  const keys: ZoneKeys = { algorithm, bits, ksk, zsk, unusedKsk, kskTag };
  writeFileSync(manifest, JSON.stringify(keys, null, 2));
  return keys;
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

export async function dsRecords(keyBase: string, digests: number[], ttl: number): Promise<Rr[]> {
  const rrs: Rr[] = [];
  for (const digest of digests) {
    const { stdout } = await exec('dnssec-dsfromkey', ['-a', String(digest), '-T', String(ttl), `${keyBase}.key`]);
    rrs.push(...parseRrLines(stdout));
  }
  return rrs;
}
