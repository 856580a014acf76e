/**
 * TXT RDATA → text. A TXT record is one or more character-strings that are joined without anything in between
 * (RFC 7208 3.3, RFC 6376 3.6.2.2, RFC 7489 6.1). Used by the SPF, DMARC and DKIM monitors.
 * TODO(integration): switch to the DNS layer's joiner in src/dns/lookup.ts once it exists.
 */
export function joinTxtStrings(data: unknown): string {
  if (typeof data === 'string') return data;
  if (data instanceof Uint8Array) return Buffer.from(data).toString('utf8');
  if (Array.isArray(data)) return data.map((chunk) => joinTxtStrings(chunk)).join('');
  return '';
}
