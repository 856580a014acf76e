import { WireReader } from '../wire.ts';

/** Decodes an NSEC/NSEC3 type bitmap (RFC 4034 §4.1.2) into the set of type numbers it lists. */
export function decodeTypeBitmap(bytes: Uint8Array): Set<number> {
  const reader = new WireReader(bytes);
  const types = new Set<number>();
  while (reader.remaining > 0) {
    const window = reader.u8();
    const length = reader.u8();
    const block = reader.bytes(length);
    block.forEach((octet, index) => {
      for (let bit = 0; bit < 8; bit++) {
        if (octet & (0x80 >> bit)) types.add(window * 256 + index * 8 + bit);
      }
    });
  }
  return types;
}

export function encodeTypeBitmap(types: Iterable<number>): Uint8Array {
  const windows = new Map<number, number[]>();
  for (const type of types) {
    const window = type >> 8;
    const octets = windows.get(window) ?? [];
    const index = (type & 0xff) >> 3;
    while (octets.length <= index) octets.push(0);
    octets[index] = octets[index]! | (0x80 >> (type & 7));
    windows.set(window, octets);
  }
  const out: number[] = [];
  for (const window of [...windows.keys()].sort((a, b) => a - b)) {
    const octets = windows.get(window)!;
    out.push(window, octets.length, ...octets);
  }
  return Uint8Array.from(out);
}
