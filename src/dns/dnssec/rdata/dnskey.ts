import { WireReader } from '../wire.ts';

export interface Dnskey {
  flags: number;
  protocol: number;
  algorithm: number;
  publicKey: Uint8Array;
  keyTag: number;
  /** Bit 7: a zone key (only those may sign zone data). */
  zoneKey: boolean;
  /** Bit 15: secure entry point (a KSK by convention; not a security property). */
  secureEntryPoint: boolean;
  /** Bit 8: revoked (RFC 5011); a revoked key must not be used to validate. */
  revoked: boolean;
  rdata: Uint8Array;
}

export function parseDnskey(rdata: Uint8Array): Dnskey {
  const reader = new WireReader(rdata);
  const flags = reader.u16();
  const protocol = reader.u8();
  const algorithm = reader.u8();
  const publicKey = reader.rest();
  return {
    flags,
    protocol,
    algorithm,
    publicKey,
    keyTag: computeKeyTag(rdata),
    zoneKey: (flags & 0x0100) !== 0,
    secureEntryPoint: (flags & 0x0001) !== 0,
    revoked: (flags & 0x0080) !== 0,
    rdata,
  };
}

/** RFC 4034 Appendix B key tag, including the algorithm-1 special case (B.1). */
export function computeKeyTag(rdata: Uint8Array): number {
  if (rdata[3] === 1) {
    if (rdata.length < 4) return 0;
    return ((rdata[rdata.length - 3]! << 8) | rdata[rdata.length - 2]!) & 0xffff;
  }
  let accumulator = 0;
  for (let i = 0; i < rdata.length; i++) accumulator += i & 1 ? rdata[i]! : rdata[i]! << 8;
  accumulator += (accumulator >>> 16) & 0xffff;
  return accumulator & 0xffff;
}
