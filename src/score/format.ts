import type { MailScore } from './types.ts';

const LABELS = {
  ipv6: 'IPv6',
  dnssec: 'DNSSEC',
  auth: 'authentication',
  tls: 'STARTTLS and DANE',
  rpki: 'RPKI',
} as const;

/** `mail score 87/100 (Internet.nl rules; IPv6 100, DNSSEC 100, …; RPKI not scored: …)` for the table. */
export function formatScoreLine(score: MailScore): string {
  const parts = score.categories.map((c) =>
    c.percent !== null
      ? `${LABELS[c.name]} ${c.percent}`
      : c.missing
        ? `${LABELS[c.name]} not scored`
        : `${LABELS[c.name]} n/a`,
  );
  const total = score.score === null ? 'not scored' : `${score.score}/100`;
  const caveat = score.complete ? '' : ', incomplete: not comparable';
  return `mail score ${total} (Internet.nl rules${caveat}; ${parts.join(', ')})`;
}
