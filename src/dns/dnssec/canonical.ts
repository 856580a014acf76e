import type { DnsRecord } from '../types.ts';
import { rrsigLabelCount, splitLabels } from './names.ts';
import type { Rrsig } from './rdata/rrsig.ts';
import { typeNumber } from './rr-types.ts';
import { compareBytes, concatBytes, encodeName, lowercaseWireName, u16Bytes, u32Bytes, WireReader } from './wire.ts';

/**
 * How embedded domain names sit in the RDATA of the types whose names are lowercased in canonical form
 * (RFC 4034 §6.2 as corrected by RFC 6840 §5.1, which removed NSEC, HINFO and the types without names).
 * Each layout is a list of steps: a fixed number of octets, a name, or a character-string.
 */
type Step = number | 'name' | 'string';
const NAME_LAYOUTS: Record<number, Step[]> = {
  2: ['name'], // NS
  3: ['name'], // MD
  4: ['name'], // MF
  5: ['name'], // CNAME
  6: ['name', 'name'], // SOA
  7: ['name'], // MB
  8: ['name'], // MG
  9: ['name'], // MR
  12: ['name'], // PTR
  14: ['name', 'name'], // MINFO
  15: [2, 'name'], // MX
  17: ['name', 'name'], // RP
  18: [2, 'name'], // AFSDB
  21: [2, 'name'], // RT
  24: [18, 'name'], // SIG
  26: [2, 'name', 'name'], // PX
  30: ['name'], // NXT
  33: [6, 'name'], // SRV
  35: [4, 'string', 'string', 'string', 'name'], // NAPTR
  36: [2, 'name'], // KX
  39: ['name'], // DNAME
  46: [18, 'name'], // RRSIG
};

/** RDATA in canonical form: embedded names of the listed types lowercased; everything else unchanged. */
export function canonicalRdata(type: number, rdata: Uint8Array): Uint8Array {
  const layout = NAME_LAYOUTS[type];
  if (!layout) return rdata;
  const reader = new WireReader(rdata);
  const parts: Uint8Array[] = [];
  for (const step of layout) {
    if (step === 'name') parts.push(lowercaseWireName(reader.rawName()));
    else if (step === 'string') parts.push(...lengthPrefixed(reader));
    else parts.push(reader.bytes(step));
  }
  parts.push(reader.rest());
  return concatBytes(parts);
}

function lengthPrefixed(reader: WireReader): Uint8Array[] {
  const length = reader.u8();
  return [Uint8Array.of(length), reader.bytes(length)];
}

/**
 * The owner name as signed: when the RRSIG Labels field is smaller than the owner's label count the RRset was
 * synthesised from a wildcard, and the signature covers `*.` + the rightmost `labels` labels (RFC 4035 §5.3.2).
 */
export function signedOwnerName(owner: string, rrsigLabels: number): string {
  const count = rrsigLabelCount(owner);
  if (rrsigLabels >= count) return owner.toLowerCase();
  const kept = splitLabels(owner.toLowerCase()).slice(-rrsigLabels);
  return ['*', ...kept].join('.');
}

/**
 * The data an RRSIG signs (RFC 4034 §3.1.8.1, §6.2, §6.3): RRSIG RDATA without the signature (signer name
 * lowercased), then every RR of the set in canonical form, original TTL from the RRSIG, sorted by canonical
 * RDATA, duplicates removed.
 */
export function signedData(rrsig: Rrsig, records: readonly DnsRecord[]): Uint8Array {
  const first = records[0];
  if (!first) throw new Error('empty RRset');
  const owner = encodeName(signedOwnerName(first.name, rrsig.labels));
  const type = typeNumber(first.type);
  const classNumber = first.class.toUpperCase() === 'IN' ? 1 : classValue(first.class);
  const rdatas = dedupeSorted(records.map((record) => canonicalRdata(type, record.rdata)));
  const header = concatBytes([owner, u16Bytes(type), u16Bytes(classNumber), u32Bytes(rrsig.originalTtl)]);
  const parts: Uint8Array[] = [rrsig.fixedFields, encodeName(rrsig.signerName)];
  for (const rdata of rdatas) parts.push(header, u16Bytes(rdata.length), rdata);
  return concatBytes(parts);
}

function dedupeSorted(rdatas: Uint8Array[]): Uint8Array[] {
  const sorted = [...rdatas].sort(compareBytes);
  return sorted.filter((rdata, index) => index === 0 || compareBytes(rdata, sorted[index - 1]!) !== 0);
}

function classValue(name: string): number {
  const upper = name.toUpperCase();
  if (upper === 'CH') return 3;
  if (upper === 'HS') return 4;
  const match = /^CLASS(\d+)$/.exec(upper);
  return match ? Number(match[1]) : 1;
}
