import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const packetTypes = require('dns-packet/types.js') as { toString(type: number): string; toType(name: string): number };
const packetClasses = require('dns-packet/classes.js') as {
  toString(klass: number): string;
  toClass(name: string): number;
};

/** Mnemonic for a type number: dns-packet's name when it knows one, otherwise RFC 3597's `TYPEnnn`. */
export function typeName(type: number): string {
  const known = packetTypes.toString(type);
  return known.startsWith('UNKNOWN_') ? `TYPE${type}` : known;
}

/** Type number for a mnemonic ('A', 'tlsa', 'TYPE65534'); undefined when unknown. */
export function typeNumber(name: string): number | undefined {
  const upper = name.toUpperCase();
  const generic = /^TYPE([0-9]{1,5})$/.exec(upper);
  if (generic) {
    const value = Number(generic[1]);
    return value <= 0xffff ? value : undefined;
  }
  const known = packetTypes.toType(upper);
  return known === 0 ? undefined : known;
}

export function className(klass: number): string {
  const known = packetClasses.toString(klass);
  return known.startsWith('UNKNOWN_') ? `CLASS${klass}` : known;
}

export function classNumber(name: string): number | undefined {
  const upper = name.toUpperCase();
  const generic = /^CLASS([0-9]{1,5})$/.exec(upper);
  if (generic) {
    const value = Number(generic[1]);
    return value <= 0xffff ? value : undefined;
  }
  const known = packetClasses.toClass(upper);
  return known === 0 ? undefined : known;
}

export const RCODE_NAMES: Record<number, string> = {
  0: 'NOERROR',
  1: 'FORMERR',
  2: 'SERVFAIL',
  3: 'NXDOMAIN',
  4: 'NOTIMP',
  5: 'REFUSED',
  6: 'YXDOMAIN',
  7: 'YXRRSET',
  8: 'NXRRSET',
  9: 'NOTAUTH',
  10: 'NOTZONE',
  16: 'BADVERS',
  23: 'BADCOOKIE',
};

export function rcodeName(rcode: number): string {
  return RCODE_NAMES[rcode] ?? `RCODE${rcode}`;
}
