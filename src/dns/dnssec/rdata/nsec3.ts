import { WireReader } from '../wire.ts';
import { decodeTypeBitmap } from './type-bitmap.ts';

export interface Nsec3Params {
  hashAlgorithm: number;
  flags: number;
  iterations: number;
  salt: Uint8Array;
}

export interface Nsec3 extends Nsec3Params {
  optOut: boolean;
  nextHashed: Uint8Array;
  types: Set<number>;
}

export function parseNsec3(rdata: Uint8Array): Nsec3 {
  const reader = new WireReader(rdata);
  const hashAlgorithm = reader.u8();
  const flags = reader.u8();
  const iterations = reader.u16();
  const salt = reader.bytes(reader.u8());
  const nextHashed = reader.bytes(reader.u8());
  return {
    hashAlgorithm,
    flags,
    iterations,
    salt,
    optOut: (flags & 1) !== 0,
    nextHashed,
    types: decodeTypeBitmap(reader.rest()),
  };
}

export function parseNsec3Param(rdata: Uint8Array): Nsec3Params {
  const reader = new WireReader(rdata);
  const hashAlgorithm = reader.u8();
  const flags = reader.u8();
  const iterations = reader.u16();
  const salt = reader.bytes(reader.u8());
  return { hashAlgorithm, flags, iterations, salt };
}
