import type { Change, Finding } from '../../src/model.ts';
import type { Notice } from '../../src/state/types.ts';

const at = '2026-03-02T09:14:00.000Z';

function notice(type: Notice['type'], before: Finding | undefined, after: Finding | undefined, domain: string): Notice {
  const shown = (after ?? before)!;
  const change: Change = {
    kind: type === 'reminder' ? 'regression' : (type as Change['kind']),
    domain,
    check: shown.check,
    subject: shown.subject,
    at,
  };
  if (before) change.before = before;
  if (after) change.after = after;
  return { key: `${type}|${domain}|${shown.check}|${shown.subject}`, type, change, tags: ['customer-x'], at };
}

/**
 * A large batch as a hoster sees it: a shared MX address that stopped offering STARTTLS for 45 domains, and a
 * tail of per-domain changes with long, hostile evidence (a 2 kB TXT record, TLSA sets, MX sets).
 */
export function largeBatch(): Notice[] {
  const notices: Notice[] = [];
  for (let i = 0; i < 45; i++) {
    const domain = `customer${String(i).padStart(2, '0')}.example.nl`;
    const subject = `mx${i % 3}.hoster.example/192.0.2.25`;
    notices.push(
      notice(
        'regression',
        { check: 'starttls.offered', subject, status: 'ok', summary: 'STARTTLS offered, TLS 1.3', evidence: {} },
        {
          check: 'starttls.offered',
          subject,
          status: 'fail',
          summary: `${subject.split('/')[0]} does not offer STARTTLS: mail to ${domain} travels in clear text`,
          evidence: { ehlo: ['250-mx.hoster.example', '250-PIPELINING', '250-SIZE 52428800', '250 8BITMIME'] },
          fix: 'Enable STARTTLS on the MX host (Postfix: smtpd_tls_security_level = may, with a certificate).',
        },
        domain,
      ),
    );
  }
  const longTxt = `v=spf1 ${Array.from({ length: 60 }, (_, i) => `ip4:198.51.100.${i}`).join(' ')} <!channel> -all`;
  notices.push(
    notice(
      'regression',
      { check: 'spf.lookups', subject: 'shop.example', status: 'ok', summary: '7 lookups', evidence: {} },
      {
        check: 'spf.lookups',
        subject: 'shop.example',
        status: 'fail',
        summary: 'SPF of shop.example needs 13 DNS lookups (limit 10): receivers return permerror',
        evidence: { record: longTxt, lookups: 13, limit: 10, perTerm: { 'include:_spf.a.example': 4, mx: 2 } },
        fix: 'Cut DNS lookups below 11: drop includes of services you no longer use.',
      },
      'shop.example',
    ),
  );
  notices.push(
    notice(
      'regression',
      {
        check: 'dane.match',
        subject: 'mail.bank.example/203.0.113.7',
        status: 'ok',
        summary: 'TLSA 3 1 1 matches',
        evidence: {},
      },
      {
        check: 'dane.match',
        subject: 'mail.bank.example/203.0.113.7',
        status: 'fail',
        summary: 'No TLSA record matches the certificate of mail.bank.example (renewed with a new key)',
        evidence: {
          tlsa: ['3 1 1 8d02536c887482bc34ff54e41d2ba659bf85b341a0a20afadb5813dcfbcf286d', '2 0 1 aa1b'],
          presented: { spki: 'f0e1d2c3b4a5968778695a4b3c2d1e0f', notAfter: '2026-05-31T23:59:59Z' },
        },
        fix: 'Publish a TLSA record for the new key, keep the old one until every cache has the new set.',
      },
      'bank.example',
    ),
  );
  notices.push(
    notice(
      'baseline',
      undefined,
      {
        check: 'dmarc.policy',
        subject: 'new.example',
        status: 'warn',
        summary: 'DMARC policy is p=none: spoofed mail is delivered',
        evidence: { record: 'v=DMARC1; p=none; rua=mailto:dmarc@new.example' },
        fix: 'Move to p=quarantine, then p=reject, once the reports show your own mail passes.',
      },
      'new.example',
    ),
  );
  notices.push(
    notice(
      'recovery',
      { check: 'mx.records', subject: 'old.example', status: 'fail', summary: 'no MX', evidence: {} },
      {
        check: 'mx.records',
        subject: 'old.example',
        status: 'ok',
        summary: '2 MX hosts',
        evidence: { mx: ['10 mx1.old.example', '20 mx2.old.example'] },
      },
      'old.example',
    ),
  );
  notices.push({
    key: 'changed|x',
    type: 'changed',
    tags: [],
    at,
    change: {
      kind: 'changed',
      domain: 'shop.example',
      check: 'record.dkim',
      subject: 's2026._domainkey.shop.example',
      at,
      record: {
        kind: 'dkim',
        before: 'v=DKIM1; k=rsa; p=MIIBIjANBgkq…old',
        after: 'v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=',
      },
    },
  });
  return notices;
}
