import { WireReader } from '../wire.ts';

export interface Rrsig {
  typeCovered: number;
  algorithm: number;
  labels: number;
  originalTtl: number;
  /** Serial-number seconds (RFC 4034 §3.1.5): compare with serial arithmetic. */
  expiration: number;
  inception: number;
  keyTag: number;
  signerName: string;
  signature: Uint8Array;
  /** The RDATA up to the signer name (18 octets of fixed fields), as signed. */
  fixedFields: Uint8Array;
}

export function parseRrsig(rdata: Uint8Array): Rrsig {
  const reader = new WireReader(rdata);
  const typeCovered = reader.u16();
  const algorithm = reader.u8();
  const labels = reader.u8();
  const originalTtl = reader.u32();
  const expiration = reader.u32();
  const inception = reader.u32();
  const keyTag = reader.u16();
  const fixedFields = rdata.subarray(0, 18);
  const signerName = reader.name().toLowerCase();
  const signature = reader.rest();
  return {
    typeCovered,
    algorithm,
    labels,
    originalTtl,
    expiration,
    inception,
    keyTag,
    signerName,
    signature,
    fixedFields,
  };
}
