/** What the fuzzer feeds: the DNS message parser and the parsers of every DNS-published mail policy. */
import { MessageError, parseMessage } from '../../src/dns/message.ts';
import { parseDkimKeyRecord } from '../../src/monitors/dkim/key-record.ts';
import { parseDmarcRecord } from '../../src/monitors/dmarc/record-parser.ts';
import { parseStsPolicy } from '../../src/monitors/mta-sts/policy.ts';
import { judgeStsRecord } from '../../src/monitors/mta-sts/record.ts';
import { checkHost } from '../../src/monitors/spf/check-host.ts';
import { fetchSpf, walkSpfTree } from '../../src/monitors/spf/lookup-tree.ts';
import { parseMacroString } from '../../src/monitors/spf/macro.ts';
import { parseSpfRecord } from '../../src/monitors/spf/record-parser.ts';
import { tlsRptMonitor } from '../../src/monitors/tls-rpt/index.ts';
import { monitorContext } from '../spf/context.ts';
import { FakeDns } from '../support/fake-dns.ts';
import type { FuzzTarget } from './engine.ts';

const inSrc =
  (...parts: string[]) =>
  (url: string) =>
    parts.some((part) => url.includes(`/src/${part}`));
const text = (data: Buffer) => data.toString('latin1');

/** A real answer (dns-packet's encoding) to start from: header, question, answers with compression. */
const answerSeed = Buffer.from(
  '12348180000100020000000105746573743103636f6d0000010001c00c000100010000012c0004c0000201c00c00100001000000' +
    '3c000c0b763d73706631202d616c6c0000291000000080000000',
  'hex',
).toString('latin1');

export const TARGETS: FuzzTarget[] = [
  {
    name: 'dns-message',
    covers: inSrc('dns/message.ts', 'dns/names.ts', 'dns/rrtypes.ts'),
    run: (data) => {
      try {
        parseMessage(data);
      } catch (error) {
        if (!(error instanceof MessageError)) throw error;
      }
    },
    seeds: [answerSeed],
    maxLength: 1024,
  },
  {
    name: 'spf',
    covers: inSrc('monitors/spf/'),
    run: (data) => {
      const parsed = parseSpfRecord(text(data));
      if (parsed.ok) for (const term of parsed.record.terms) void term.text;
      parseMacroString(text(data), true);
    },
    seeds: ['v=spf1 ip4:192.0.2.0/24 include:_spf.example.com a:%{d} mx/24 exists:%{ir}.%{l1r+-}._spf.%{d} ~all'],
    dictionary: [
      'v=spf1',
      ' ',
      'include:',
      'redirect=',
      'exp=',
      'ip4:',
      'ip6:',
      '/',
      '//',
      '%{',
      '}',
      '%%',
      ':',
      '-all',
    ],
  },
  {
    name: 'spf-eval',
    covers: inSrc('monitors/spf/'),
    run: async (data) => {
      // the record is evaluated (check_host, macros expanded) and linted (the walk) against a small zone
      const dns = new FakeDns()
        .add('example.com', 'TXT', text(data))
        .add('example.com', 'MX', { preference: 10, exchange: 'mx.example.com' })
        .add('mx.example.com', 'A', '192.0.2.1')
        .add('inc.example.com', 'TXT', 'v=spf1 ip4:192.0.2.0/24 -all');
      await checkHost(dns, { ip: '192.0.2.77', domain: 'example.com', sender: 'a.b@example.com' });
      const fetched = await fetchSpf(dns, 'example.com');
      if (fetched.status === 'ok') await walkSpfTree(dns, 'example.com', fetched.record);
    },
    seeds: [
      'v=spf1 mx a:%{d} include:inc.example.com exists:%{ir}.%{l1r+-}.%{d} redirect=%{o} exp=%{d}',
      'v=spf1 ptr:%{d2} a/24//64 -all',
    ],
    dictionary: [
      '%{d}',
      '%{i}',
      '%{ir}',
      '%{l}',
      '%{o}',
      '%{s}',
      '%{h}',
      '%{v}',
      '%{p}',
      '%{d1r}',
      '%{l2-}',
      'include:',
      'redirect=',
      ' ',
    ],
  },
  {
    name: 'dmarc',
    covers: inSrc('monitors/dmarc/'),
    run: (data) => void parseDmarcRecord(text(data)),
    seeds: ['v=DMARC1; p=reject; sp=none; rua=mailto:d@example.com!10m; ruf=mailto:f@example.com; pct=50; fo=1:d'],
    dictionary: ['v=DMARC1', ';', '=', 'p=', 'rua=', 'mailto:', ',', '!', 'pct=', 't=y', 'np=', 'psd='],
  },
  {
    name: 'dkim',
    covers: inSrc('monitors/dkim/'),
    run: (data) => void parseDkimKeyRecord(text(data)),
    seeds: [
      'v=DKIM1; k=rsa; h=sha256; t=s:y; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDwIRP/UC3SBsEmGqZ9ZJW3/DkMoGeLnQg1fWn7/zYtIxN2SnFCjxOCKG9v3b4jYfcTNh5ijSsq631uBItLa7od+v/RtdC2UzJ1lWT947qR+Rcac2gbto/NMqJ0fzfVjH4OuKhitdY9tf6mcwGjaNBcWToIMmPSPDdQPNUYckcQ2QIDAQAB',
      'v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=',
    ],
    dictionary: ['v=DKIM1', ';', '=', 'k=', 'p=', 'h=', 't=', 's=', 'rsa', 'ed25519', 'sha1', ':'],
  },
  {
    name: 'mta-sts',
    covers: inSrc('monitors/mta-sts/'),
    run: (data) => {
      parseStsPolicy(text(data));
      judgeStsRecord('example.com', { kind: 'ok', texts: [text(data)], nxdomain: false });
    },
    seeds: [
      'version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\nmax_age: 604800\r\n',
      'v=STSv1; id=20190429T010101;',
    ],
    dictionary: [
      'version: STSv1',
      'mode:',
      'enforce',
      'testing',
      'mx:',
      'max_age:',
      '\r\n',
      '\n',
      '*.',
      'v=STSv1',
      'id=',
    ],
  },
  {
    name: 'tls-rpt',
    covers: inSrc('monitors/tls-rpt/', 'monitors/mta-sts/txt.ts'),
    run: async (data) => {
      const dns = new FakeDns().add('_smtp._tls.example.com', 'TXT', text(data));
      await tlsRptMonitor.run(monitorContext(dns), 'example.com');
    },
    seeds: ['v=TLSRPTv1; rua=mailto:tls@example.com,https://reports.example.com/tlsrpt'],
    dictionary: ['v=TLSRPTv1', ';', 'rua=', 'mailto:', 'https://', ',', '%', '@', '?', '!'],
  },
];
