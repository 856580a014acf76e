import type { Status } from '../model.ts';

export interface StandardInfo {
  /** The area prefix of check ids: `dmarc` for `dmarc.policy`. */
  id: string;
  label: string;
  /** Why it matters, one sentence for the dashboard and the report. */
  why: string;
}

export interface StandardGroup {
  title: string;
  standards: readonly StandardInfo[];
}

/**
 * The standards grouped as Internet.nl's mail test groups them (authenticity marks against phishing, secure
 * connection, DNSSEC), plus the newer companions MTA-STS and TLS-RPT.
 */
export const STANDARD_GROUPS: readonly StandardGroup[] = [
  {
    title: 'Against phishing',
    standards: [
      {
        id: 'dmarc',
        label: 'DMARC',
        why: 'Tells receivers what to do with mail that fails SPF and DKIM for your domain, and where to report it.',
      },
      {
        id: 'dkim',
        label: 'DKIM',
        why: 'Signs outgoing mail so that receivers can tell it really comes from your domain and was not altered.',
      },
      {
        id: 'spf',
        label: 'SPF',
        why: 'Lists the servers allowed to send mail for your domain; receivers reject or mark the rest.',
      },
    ],
  },
  {
    title: 'Secure connection',
    standards: [
      {
        id: 'starttls',
        label: 'STARTTLS',
        why: 'Encrypts mail on its way to your mail servers, so it cannot be read in transit.',
      },
      {
        id: 'dane',
        label: 'DANE',
        why: 'Pins your mail servers’ certificates in DNSSEC-signed TLSA records, so encryption cannot be stripped.',
      },
    ],
  },
  {
    title: 'DNSSEC',
    standards: [
      {
        id: 'dnssec',
        label: 'DNSSEC',
        why: 'Signs your DNS records, so that no one can forge the answers senders rely on (MX, TLSA, SPF, DMARC).',
      },
    ],
  },
  {
    title: 'Newer companions',
    standards: [
      {
        id: 'mtasts',
        label: 'MTA-STS',
        why: 'Tells senders to require TLS with a valid certificate when they deliver to you, without DNSSEC.',
      },
      {
        id: 'tlsrpt',
        label: 'TLS-RPT',
        why: 'Asks senders to report failed TLS deliveries to you, so you learn of problems before mail is lost.',
      },
    ],
  },
];

export const STANDARDS: readonly StandardInfo[] = STANDARD_GROUPS.flatMap((group) => group.standards);

/** Label of a standard id (unknown ids, e.g. `mx`, shown upper-case). */
export function standardLabel(id: string): string {
  return STANDARDS.find((standard) => standard.id === id)?.label ?? id.toUpperCase();
}

/** The standard a published record belongs to (`record.<kind>` history entries). */
const RECORD_STANDARD: Record<string, string> = { tlsa: 'dane' };

/**
 * The standard of a check id: its area prefix (`dmarc` for `dmarc.policy`); for a record change (`record.tlsa`) the
 * standard the record serves (`dane`).
 */
export function standardOf(check: string): string {
  const dot = check.indexOf('.');
  if (dot === -1) return check;
  const area = check.slice(0, dot);
  if (area !== 'record') return area;
  const kind = check.slice(dot + 1);
  return RECORD_STANDARD[kind] ?? kind;
}

/** How a status reads beside its icon: never colour or icon alone. */
export const STATUS_TEXT: Record<Status | 'unchecked', { icon: string; text: string }> = {
  ok: { icon: '✔', text: 'ok' },
  info: { icon: 'ℹ', text: 'ok (info)' },
  warn: { icon: '▲', text: 'warning' },
  fail: { icon: '✖', text: 'failing' },
  error: { icon: '?', text: 'unknown' },
  unchecked: { icon: '–', text: 'not checked' },
};
