import { createHash } from 'node:crypto';
import { concatBytes, encodeName, WireReader } from '../wire.ts';

export interface Ds {
  keyTag: number;
  algorithm: number;
  digestType: number;
  digest: Uint8Array;
}

export function parseDs(rdata: Uint8Array): Ds {
  const reader = new WireReader(rdata);
  return { keyTag: reader.u16(), algorithm: reader.u8(), digestType: reader.u8(), digest: reader.rest() };
}

export interface DigestTypeInfo {
  name: string;
  hash: string;
  /** 'ok', or 'deprecated' (SHA-1: accepted, flagged; RFC 8624 says MUST NOT use for new DS). */
  status: 'ok' | 'deprecated';
}

export const DIGEST_TYPES: Record<number, DigestTypeInfo> = {
  1: { name: 'SHA-1', hash: 'sha1', status: 'deprecated' },
  2: { name: 'SHA-256', hash: 'sha256', status: 'ok' },
  4: { name: 'SHA-384', hash: 'sha384', status: 'ok' },
};

/** DS digest of a DNSKEY (RFC 4034 §5.1.4): digest(canonical owner | DNSKEY RDATA). Undefined if unsupported. */
export function dsDigest(owner: string, dnskeyRdata: Uint8Array, digestType: number): Uint8Array | undefined {
  const info = DIGEST_TYPES[digestType];
  if (!info) return undefined;
  return createHash(info.hash)
    .update(concatBytes([encodeName(owner), dnskeyRdata]))
    .digest();
}
