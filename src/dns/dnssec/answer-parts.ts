import type { DnsAnswer, DnsRecord } from '../types.ts';
import type { OwnedNsec } from './denial-nsec.ts';
import { type OwnedNsec3, ownedNsec3 } from './denial-nsec3.ts';
import { normalizeName } from './names.ts';
import { parseNsec } from './rdata/nsec.ts';
import { parseNsec3 } from './rdata/nsec3.ts';
import { parseRrsig } from './rdata/rrsig.ts';
import { typeNumber } from './rr-types.ts';

/** The records of one RRset (owner + type) in a section. */
export function rrsetOf(records: readonly DnsRecord[], name: string, type: string): DnsRecord[] {
  const owner = normalizeName(name);
  return records.filter((record) => record.type === type && normalizeName(record.name) === owner);
}

/** The RRSIGs covering one RRset in a section. */
export function rrsigsOf(records: readonly DnsRecord[], name: string, type: string): DnsRecord[] {
  const owner = normalizeName(name);
  const covered = typeNumber(type);
  return records.filter((record) => {
    if (record.type !== 'RRSIG' || normalizeName(record.name) !== owner) return false;
    try {
      return parseRrsig(record.rdata).typeCovered === covered;
    } catch {
      return false;
    }
  });
}

/** Distinct (owner, type) pairs of a type in a section. */
export function ownersOf(records: readonly DnsRecord[], type: string): string[] {
  return [...new Set(records.filter((record) => record.type === type).map((record) => normalizeName(record.name)))];
}

export function nsecsOf(answer: DnsAnswer, owners: readonly string[]): OwnedNsec[] {
  return answer.authorities
    .filter((record) => record.type === 'NSEC' && owners.includes(normalizeName(record.name)))
    .map((record) => ({ ...parseNsec(record.rdata), owner: normalizeName(record.name) }));
}

export function nsec3sOf(answer: DnsAnswer, owners: readonly string[]): OwnedNsec3[] {
  return answer.authorities
    .filter((record) => record.type === 'NSEC3' && owners.includes(normalizeName(record.name)))
    .map((record) => ownedNsec3(record.name, parseNsec3(record.rdata)))
    .filter((record): record is OwnedNsec3 => record !== undefined);
}

/** The signer names of all RRSIGs in a section. */
export function signersOf(records: readonly DnsRecord[]): string[] {
  const signers = new Set<string>();
  for (const record of records) {
    if (record.type !== 'RRSIG') continue;
    try {
      signers.add(parseRrsig(record.rdata).signerName);
    } catch {
      // malformed RRSIGs are judged where they are used
    }
  }
  return [...signers];
}
