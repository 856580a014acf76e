import { DnsError } from '../../dns/errors.ts';
import type { DnsClient } from '../../dns/types.ts';

export type TxtLookup = { kind: 'ok'; texts: string[]; nxdomain: boolean } | { kind: 'error'; error: DnsError };

/** TXT strings of a name, each record's character-strings joined (RFC 7208 style), as latin1 text. */
export async function lookUpTxt(dns: DnsClient, name: string): Promise<TxtLookup> {
  try {
    const answer = await dns.query(name, 'TXT');
    const texts = answer.answers
      .filter((r) => r.type === 'TXT')
      .map((r) => {
        const data = r.data as unknown;
        const parts = Array.isArray(data) ? data : [data];
        return parts.map((p) => (Buffer.isBuffer(p) ? p.toString('latin1') : String(p))).join('');
      });
    return { kind: 'ok', texts, nxdomain: answer.rcode === 'NXDOMAIN' };
  } catch (error) {
    if (error instanceof DnsError) return { kind: 'error', error };
    throw error;
  }
}

/** `k=v; k=v` tag lists (MTA-STS and TLS-RPT records); keys are case-sensitive as the RFCs define them. */
export function parseTagList(text: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const part of text.split(';')) {
    const trimmed = part.trim();
    if (trimmed === '') continue;
    const eq = trimmed.indexOf('=');
    if (eq <= 0) continue;
    const key = trimmed.slice(0, eq).trim();
    if (!tags.has(key)) tags.set(key, trimmed.slice(eq + 1).trim());
  }
  return tags;
}

/** Hostile text for a summary: control characters made visible, length bounded. */
export function shown(text: string, max = 200): string {
  const visible = text.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return visible.length > max ? `${visible.slice(0, max)}…` : visible;
}
