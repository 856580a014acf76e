/** TLSA records (RFC 6698) as RDATA fields, parsed from wire form so no decoder quirk can hide a byte. */
export interface TlsaRecord {
  usage: number;
  selector: number;
  matchingType: number;
  /** Certificate association data, lowercase hex. */
  data: string;
}

export const USAGE_NAMES: Record<number, string> = { 0: 'PKIX-TA', 1: 'PKIX-EE', 2: 'DANE-TA', 3: 'DANE-EE' };

export function parseTlsaRdata(rdata: Uint8Array): TlsaRecord | undefined {
  if (rdata.length < 3) return undefined;
  return {
    usage: rdata[0]!,
    selector: rdata[1]!,
    matchingType: rdata[2]!,
    data: Buffer.from(rdata.subarray(3)).toString('hex'),
  };
}

/** `3 1 1 abcd…`, the presentation form, data shortened for summaries when `short`. */
export function formatTlsa(record: TlsaRecord, short = false): string {
  const data = short && record.data.length > 16 ? `${record.data.slice(0, 16)}…` : record.data;
  return `${record.usage} ${record.selector} ${record.matchingType} ${data}`;
}

/**
 * Usable for SMTP (RFC 7672 §3.1.3): usages DANE-TA(2) and DANE-EE(3) only, selectors 0/1, matching types 0/1/2,
 * and a digest of the right length.
 */
export function tlsaUnusableReason(record: TlsaRecord): string | undefined {
  if (record.usage === 0 || record.usage === 1)
    return `usage ${record.usage} (${USAGE_NAMES[record.usage]}) is not used by SMTP senders (RFC 7672 §3.1.3)`;
  if (record.usage !== 2 && record.usage !== 3) return `unknown usage ${record.usage}`;
  if (record.selector !== 0 && record.selector !== 1) return `unknown selector ${record.selector}`;
  const expectedLength: Record<number, number | undefined> = { 1: 64, 2: 128 };
  if (record.matchingType === 0) return record.data.length > 0 ? undefined : 'empty full-data record';
  const length = expectedLength[record.matchingType];
  if (length === undefined) return `unknown matching type ${record.matchingType}`;
  if (record.data.length !== length) return `digest has ${record.data.length / 2} bytes, expected ${length / 2}`;
  return undefined;
}
