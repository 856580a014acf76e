import { describe, expect, it } from 'vitest';
import { parseDomainName } from '../../src/config/domain-name.ts';
import { ConfigError, parseConfig } from '../../src/config/load.ts';
import { parseMailbox } from '../../src/config/mailbox.ts';

function problemsOf(text: string): string[] {
  try {
    parseConfig(text, 'config.yaml', { env: {} });
  } catch (error) {
    if (error instanceof ConfigError) return error.message.split('\n');
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration: mistakes caught before anything runs', () => {
  it('refuses a misspelt check id in a severity override, at the key, with a suggestion', () => {
    expect(problemsOf('checks:\n  severity:\n    dmarc.polcy: info\n')).toEqual([
      expect.stringMatching(
        /^config\.yaml:3:5: checks\.severity\.dmarc\.polcy: unknown check "dmarc\.polcy"; did you mean dmarc\.policy\? \(known: check\.limits, dane\.match, /,
      ),
    ]);
    expect(problemsOf('domains:\n  - name: example.nl\n    severity: { tlsrpt.recrd: ignore }\n')[0]).toMatch(
      /^config\.yaml:3:17: domains\[0\]\.severity\.tlsrpt\.recrd: unknown check "tlsrpt\.recrd"; did you mean tlsrpt\.record\?/,
    );
  });

  it('refuses a misspelt check in a route, and accepts ids, areas and area.*', () => {
    const routes = (checks: string) =>
      `channels:\n  ops: { type: log }\nroutes:\n  - name: r\n    channels: [ops]\n    match:\n      checks: [${checks}]\n`;
    expect(problemsOf(routes('dane, starttls.certficate'))).toEqual([
      expect.stringMatching(
        /^config\.yaml:7:22: routes\[0\]\.match\.checks\[1\]: unknown check "starttls\.certficate"; did you mean starttls\.certificate\?/,
      ),
    ]);
    expect(problemsOf(routes('spff'))[0]).toMatch(/unknown check "spff"; did you mean spf\?/);
    const config = parseConfig(routes('dane, dane.*, dmarc.policy, spf.monitor'), 'config.yaml', { env: {} });
    expect(config.routes[0]!.match.checks).toEqual(['dane', 'dane.*', 'dmarc.policy', 'spf.monitor']);
  });

  it('knows the IPv6 and RPKI checks (from the catalog) and suggests them when misspelt', () => {
    const ids = ['ipv6.ns-address', 'ipv6.ns-reachable', 'ipv6.mx-address', 'ipv6.mx-reachable'];
    const more = ['rpki.ns', 'rpki.mx', 'rpki.config', 'ipv6', 'rpki.*'];
    const severity = [...ids, 'rpki.ns', 'rpki.mx', 'rpki.config'].map((id) => `    ${id}: info`).join('\n');
    const config = parseConfig(
      `checks:\n  severity:\n${severity}\nchannels:\n  ops: { type: log }\nroutes:\n  - name: r\n    channels: [ops]\n    match:\n      checks: [${[...ids, ...more].join(', ')}]\n`,
      'config.yaml',
      { env: {} },
    );
    expect(config.routes[0]!.match.checks).toEqual([...ids, ...more]);
    expect(problemsOf('checks:\n  severity:\n    ipv6.mx-reachible: info\n')[0]).toMatch(
      /unknown check "ipv6\.mx-reachible"; did you mean ipv6\.mx-reachable\?/,
    );
    expect(problemsOf('checks:\n  severity:\n    rpki.nss: warn\n')[0]).toMatch(
      /unknown check "rpki\.nss"; did you mean rpki\.ns\?/,
    );
  });

  it('knows check.limits (a domain cut short at its limits) in severity overrides and routes', () => {
    const config = parseConfig(
      'checks:\n  severity:\n    check.limits: warn\nchannels:\n  ops: { type: log }\nroutes:\n  - name: r\n    channels: [ops]\n    match:\n      checks: [check.limits]\n',
      'config.yaml',
      { env: {} },
    );
    expect(config.routes[0]!.match.checks).toEqual(['check.limits']);
    expect(problemsOf('checks:\n  severity:\n    check.limit: warn\n')[0]).toMatch(
      /unknown check "check\.limit"; did you mean check\.limits\?/,
    );
  });

  it.each([
    ['example..nl', /has an empty label \(two dots in a row/],
    ['https://example.nl/contact', /is a URL, not a domain name; did you mean example\.nl\?/],
    ['example .nl', /contains a space/],
    ['info@example.nl', /is an e-mail address, not a domain name; did you mean example\.nl\?/],
    ['-bad.nl', /label "-bad"/],
  ])('refuses %j as a domain, naming file, line and column', (name, message) => {
    const problems = problemsOf(`domains:\n  - example.nl\n  - "${name}"\n`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^config\.yaml:3:5: domains\[1\]: /);
    expect(problems[0]).toMatch(message);
  });

  it('accepts an internationalised domain name and keeps it as A-labels', () => {
    const config = parseConfig('domains:\n  - Bücher.Example.\n  - name: café.nl\n', 'config.yaml', { env: {} });
    expect(config.domains.map((d) => d.name)).toEqual(['xn--bcher-kva.example', 'xn--caf-dma.nl']);
  });

  it('refuses e-mail addresses that are not, and accepts a display name', () => {
    const email = (from: string, to: string) =>
      `channels:\n  mail:\n    type: email\n    smtp: { host: smtp.example.nl }\n    from: "${from}"\n    to: ["${to}"]\n`;
    expect(problemsOf(email('mailwarden.example.nl', 'ops@example..nl'))).toEqual([
      'config.yaml:5:11: channels.mail.from: "mailwarden.example.nl" is not an e-mail address (expected name@example.nl)',
      expect.stringMatching(
        /^config\.yaml:6:10: channels\.mail\.to\[0\]: "ops@example\.\.nl" is not an e-mail address: its domain has an empty label/,
      ),
    ]);
    const config = parseConfig(email('Mailwarden <mailwarden@example.nl>', 'ops@bücher.nl'), 'config.yaml', {
      env: {},
    });
    expect(config.channels.mail).toMatchObject({ from: 'Mailwarden <mailwarden@example.nl>' });
  });

  it('warns about a route tag no domain carries, with a suggestion, and still loads', () => {
    const config = parseConfig(
      'channels:\n  ops: { type: log }\nroutes:\n  - name: r\n    channels: [ops]\n    match: { tags: [custmer-a, gold] }\ndomains:\n  - { name: example.nl, tags: [customer-a, gold] }\n',
      'config.yaml',
      { env: {} },
    );
    expect(config.warnings).toEqual([
      'config.yaml:6:21: routes[0].match.tags[0]: no domain has the tag "custmer-a"; did you mean customer-a? (tags in use: customer-a, gold)',
    ]);
  });

  it('takes a language per channel and per route, and refuses one it does not speak', () => {
    const config = parseConfig(
      'channels:\n  ops: { type: log, language: nl }\nroutes:\n  - { name: r, channels: [ops], language: en }\n',
      'config.yaml',
      { env: {} },
    );
    expect(config.channels.ops).toMatchObject({ language: 'nl' });
    expect(config.routes[0]).toMatchObject({ language: 'en' });
    expect(problemsOf('channels:\n  ops: { type: log, language: fr }\n')[0]).toMatch(
      /^config\.yaml:2:31: channels\.ops\.language: expected a language: en, nl/,
    );
  });
});

describe('domain names and mailboxes on their own', () => {
  it('normalises case, a trailing dot and IDN', () => {
    expect(parseDomainName(' Example.NL. ')).toEqual({ ok: true, name: 'example.nl' });
    expect(parseDomainName('xn--bcher-kva.example')).toEqual({ ok: true, name: 'xn--bcher-kva.example' });
    expect(parseDomainName('a'.repeat(64))).toMatchObject({ ok: false });
  });

  it('accepts ordinary addresses only', () => {
    expect(parseMailbox('postmaster@example.nl')).toBeUndefined();
    expect(parseMailbox('a b@example.nl')).toMatch(/may not hold spaces/);
    expect(parseMailbox('@example.nl')).toMatch(/is not an e-mail address/);
  });
});
