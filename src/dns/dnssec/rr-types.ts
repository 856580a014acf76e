/** Resource record type numbers the validator needs; others are carried as TYPEnnn. */
const TYPES: Record<string, number> = {
  A: 1,
  NS: 2,
  MD: 3,
  MF: 4,
  CNAME: 5,
  SOA: 6,
  MB: 7,
  MG: 8,
  MR: 9,
  NULL: 10,
  PTR: 12,
  HINFO: 13,
  MINFO: 14,
  MX: 15,
  TXT: 16,
  RP: 17,
  AFSDB: 18,
  RT: 21,
  SIG: 24,
  KEY: 25,
  PX: 26,
  AAAA: 28,
  NXT: 30,
  SRV: 33,
  NAPTR: 35,
  KX: 36,
  A6: 38,
  DNAME: 39,
  OPT: 41,
  DS: 43,
  SSHFP: 44,
  RRSIG: 46,
  NSEC: 47,
  DNSKEY: 48,
  NSEC3: 50,
  NSEC3PARAM: 51,
  TLSA: 52,
  CDS: 59,
  CDNSKEY: 60,
  SVCB: 64,
  HTTPS: 65,
  SPF: 99,
  CAA: 257,
};

const NAMES = new Map<number, string>(Object.entries(TYPES).map(([name, value]) => [value, name]));

export function typeNumber(type: string): number {
  const upper = type.toUpperCase();
  const known = TYPES[upper];
  if (known !== undefined) return known;
  const match = /^TYPE(\d+)$/.exec(upper);
  if (match) return Number(match[1]);
  throw new Error(`unknown RR type ${type}`);
}

export function typeName(value: number): string {
  return NAMES.get(value) ?? `TYPE${value}`;
}
