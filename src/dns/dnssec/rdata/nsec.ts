import { WireReader } from '../wire.ts';
import { decodeTypeBitmap } from './type-bitmap.ts';

export interface Nsec {
  nextName: string;
  types: Set<number>;
}

export function parseNsec(rdata: Uint8Array): Nsec {
  const reader = new WireReader(rdata);
  const nextName = reader.name().toLowerCase();
  return { nextName, types: decodeTypeBitmap(reader.rest()) };
}
