import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { smtpSubnet } from './addresses.ts';
import type { CertSpec } from './certs.ts';
import { caCertFile } from './certs.ts';
import { isRunning, type LabProcess, logTail, startDaemon } from './daemon.ts';
import { exec, sleep } from './exec.ts';
import { certsDir, labDir, serverDir } from './paths.ts';
import type { SmtpListener } from './state.ts';

/** How one SMTP listener behaves. `tls` says which TLS it offers; `server` is Postfix or the lab's silent server. */
interface Personality extends SmtpListener {
  tls: 'modern' | 'none' | 'legacy' | 'legacy-only';
  server: 'postfix' | 'silent';
}

const at = (n: number) => `${smtpSubnet}.${n}`;

/** The SMTP personalities. Address .254 never listens (connection refused). */
export const smtpPersonalities: Personality[] = [
  {
    personality: 'good',
    address: at(1),
    port: 25,
    cert: 'good',
    tls: 'modern',
    server: 'postfix',
    description: 'STARTTLS, lab-CA RSA-2048 certificate naming every lab host on 127.25.0.1–2, chain leaf + CA',
  },
  {
    personality: 'good-2',
    address: at(2),
    port: 25,
    cert: 'good',
    tls: 'modern',
    server: 'postfix',
    description: 'the same as good, a second address',
  },
  {
    personality: 'notls',
    address: at(3),
    port: 25,
    tls: 'none',
    server: 'postfix',
    description: 'no STARTTLS offered',
  },
  {
    personality: 'expired',
    address: at(4),
    port: 25,
    cert: 'expired',
    tls: 'modern',
    server: 'postfix',
    description: 'STARTTLS with a lab-CA certificate that expired 10 days ago',
  },
  {
    personality: 'wrongname',
    address: at(5),
    port: 25,
    cert: 'wrongname',
    tls: 'modern',
    server: 'postfix',
    description: 'STARTTLS with a lab-CA certificate for wrong-name.invalid only',
  },
  {
    personality: 'selfsigned',
    address: at(6),
    port: 25,
    cert: 'selfsigned',
    tls: 'modern',
    server: 'postfix',
    description: 'STARTTLS with a self-signed certificate (right names, untrusted)',
  },
  {
    personality: 'legacy',
    address: at(7),
    port: 25,
    cert: 'legacy',
    tls: 'legacy',
    server: 'postfix',
    description: 'STARTTLS accepting TLS 1.0 up to 1.3 (OpenSSL security level 0)',
  },
  {
    personality: 'legacy-only',
    address: at(8),
    port: 25,
    cert: 'legacy',
    tls: 'legacy-only',
    server: 'postfix',
    description: 'STARTTLS with TLS 1.0 and 1.1 only',
  },
  {
    personality: 'silent',
    address: at(9),
    port: 25,
    tls: 'none',
    server: 'silent',
    description: 'accepts TCP connections and never sends a banner',
  },
  {
    personality: 'good-next',
    address: at(10),
    port: 25,
    cert: 'good-next',
    tls: 'modern',
    server: 'postfix',
    description: 'the renewed certificate: same names as good, new key (good-next)',
  },
  {
    personality: 'expiring',
    address: at(11),
    port: 25,
    cert: 'expiring',
    tls: 'modern',
    server: 'postfix',
    description: 'STARTTLS with a lab-CA certificate that expires in 5 days',
  },
];

export const refusedSmtpAddress = at(254);

/**
 * The certificates of the SMTP listeners. Their names are every owner name in the lab zones whose A record points at
 * an address that presents the certificate, so an MX host name matches without the zone author doing anything.
 */
export function smtpCertSpecs(namesByAddress: Map<string, string[]>): CertSpec[] {
  const namesFor = (cert: string) => {
    const names = smtpPersonalities
      .filter((p) => p.cert === cert || (cert === 'good-next' && p.cert === 'good'))
      .flatMap((p) => namesByAddress.get(p.address) ?? []);
    return [...new Set([...names, `${cert}.smtp.lab.invalid`])];
  };
  return [
    { name: 'good', names: namesFor('good'), key: 'rsa2048' },
    { name: 'good-next', names: namesFor('good-next'), key: 'rsa2048' },
    { name: 'expired', names: namesFor('expired'), key: 'ec256', notBeforeDays: -100, notAfterDays: -10 },
    { name: 'wrongname', names: ['wrong-name.invalid'], key: 'ec256' },
    { name: 'selfsigned', names: namesFor('selfsigned'), key: 'ec256', selfSigned: true },
    { name: 'legacy', names: namesFor('legacy'), key: 'rsa2048' },
    { name: 'expiring', names: namesFor('expiring'), key: 'ec256', notBeforeDays: -85, notAfterDays: 5 },
  ];
}

const postfixDir = serverDir('postfix');

function mainCf(): string {
  return `compatibility_level = 3.6
queue_directory = ${join(postfixDir, 'queue')}
data_directory = ${join(postfixDir, 'data')}
maillog_file = ${join(postfixDir, 'maillog')}
maillog_file_prefixes = ${postfixDir}
mail_owner = postfix
setgid_group = postdrop
myhostname = lab-mx.invalid
mydomain = invalid
myorigin = $myhostname
mydestination =
relay_domains =
relayhost =
mynetworks =
local_recipient_maps =
alias_maps =
alias_database =
inet_interfaces = loopback-only
inet_protocols = ipv4
smtpd_relay_restrictions = reject
smtpd_recipient_restrictions = reject
smtpd_banner = $myhostname ESMTP mailwarden-lab
biff = no
smtputf8_enable = no
default_process_limit = 20
max_idle = 3600
smtpd_peername_lookup = no
smtpd_tls_loglevel = 1
smtpd_tls_security_level = none
smtpd_tls_session_cache_database =
tls_low_cipherlist = ALL:@SECLEVEL=0
`;
}

function serviceLine(p: Personality): string {
  const options = [`syslog_name=lab-${p.personality}`, `smtpd_banner=${p.personality}.smtp.lab ESMTP mailwarden-lab`];
  if (p.cert) {
    const file = (n: string) => join(certsDir, n);
    const chain = p.cert === 'selfsigned' ? '' : `,${caCertFile}`;
    options.push(
      'smtpd_tls_security_level=may',
      `smtpd_tls_chain_files=${file(`${p.cert}.key`)},${file(`${p.cert}.crt`)}${chain}`,
    );
  }
  // Every other TLS personality follows current guidance (NCSC, BSI): TLS 1.2 and 1.3 only.
  if (p.cert && p.tls === 'modern') options.push('smtpd_tls_protocols=>=TLSv1.2');
  if (p.tls === 'legacy') options.push('smtpd_tls_protocols=>=TLSv1', 'smtpd_tls_ciphers=low');
  if (p.tls === 'legacy-only') options.push('smtpd_tls_protocols=>=TLSv1,<=TLSv1.1', 'smtpd_tls_ciphers=low');
  return `${p.address}:${p.port} inet n - n - - smtpd\n${options.map((o) => `  -o { ${o.replace('=', ' = ')} }`).join('\n')}`;
}

function masterCf(): string {
  const services = smtpPersonalities.filter((p) => p.server === 'postfix').map(serviceLine);
  return `${services.join('\n')}
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
anvil     unix  -       -       n       -       1       anvil
proxymap  unix  -       -       n       -       -       proxymap
postlog   unix-dgram n  -       n       -       1       postlogd
`;
}

/** One Postfix (its own config and queue directory under run/postfix), master in the foreground, by pid. */
export async function startPostfix(): Promise<LabProcess> {
  const etc = join(postfixDir, 'etc');
  mkdirSync(etc, { recursive: true });
  writeFileSync(join(etc, 'main.cf'), mainCf());
  writeFileSync(join(etc, 'master.cf'), masterCf());
  mkdirSync(join(postfixDir, 'queue'), { recursive: true });
  mkdirSync(join(postfixDir, 'data'), { recursive: true });
  await exec('chown', ['postfix', join(postfixDir, 'data')]);
  await exec('/usr/sbin/postfix', ['-c', etc, 'check']);
  const proc = startDaemon(
    'postfix',
    '/usr/lib/postfix/sbin/master',
    ['-c', etc, '-s'],
    join(postfixDir, 'master.log'),
    join(postfixDir, 'lab.pid'),
  );
  const listeners = smtpPersonalities.filter((x) => x.server === 'postfix');
  await Promise.all(listeners.map((p) => waitForBanner(p.address, p.port, proc, join(postfixDir, 'maillog'))));
  return proc;
}

/** The listener that accepts and never speaks: a Node process of the lab (silent-smtp.ts). */
export async function startSilentSmtp(): Promise<LabProcess> {
  const p = smtpPersonalities.find((x) => x.server === 'silent');
  if (!p) throw new Error('no silent personality');
  const dir = serverDir('silent-smtp');
  mkdirSync(dir, { recursive: true });
  const proc = startDaemon(
    'silent-smtp',
    process.execPath,
    [join(labDir, 'lib', 'silent-smtp.ts'), p.address, String(p.port)],
    join(dir, 'silent.log'),
    join(dir, 'lab.pid'),
  );
  await waitForConnect(p.address, p.port, proc);
  return proc;
}

function waitForBanner(address: string, port: number, proc: LabProcess, log: string, timeoutMs = 15000): Promise<void> {
  return poll(
    proc,
    timeoutMs,
    `postfix on ${address}:${port} sent no 220 banner. Log:\n${logTail(log)}\n${logTail(proc.logFile)}`,
    () =>
      new Promise((resolve) => {
        const socket = connect({ host: address, port });
        socket.setTimeout(5000, () => socket.destroy());
        socket.once('data', (data) => {
          resolve(data.toString().startsWith('220'));
          socket.end('QUIT\r\n');
        });
        socket.once('error', () => resolve(false));
        socket.once('close', () => resolve(false));
      }),
  );
}

function waitForConnect(address: string, port: number, proc: LabProcess, timeoutMs = 10000): Promise<void> {
  return poll(
    proc,
    timeoutMs,
    `${proc.name} on ${address}:${port} does not accept connections. Log:\n${logTail(proc.logFile)}`,
    () =>
      new Promise((resolve) => {
        const socket = connect({ host: address, port });
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      }),
  );
}

async function poll(
  proc: LabProcess,
  timeoutMs: number,
  failure: string,
  attempt: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await attempt()) return;
    if (!isRunning(proc)) break;
    await sleep(50);
  }
  throw new Error(failure);
}
