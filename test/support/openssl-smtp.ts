/**
 * Second opinions from the real OpenSSL command line on an SMTP server after STARTTLS: does the chain satisfy TLSA
 * records (RFC 7671 semantics), and does the server still accept TLS 1.0 or 1.1.
 */
import { spawn } from 'node:child_process';

export interface OpensslDaneVerdict {
  verified: boolean;
  output: string;
}

export interface OpensslDaneTarget {
  address: string;
  port: number;
  /** SNI and the DANE base domain. */
  mx: string;
  /** TLSA records in presentation form, e.g. "3 1 1 ab…"; OpenSSL accepts the chain when any one matches. */
  rrdata: string[];
  /** RFC 7672 §3.1.1: no name checks for DANE-EE(3), as SMTP senders do (Postfix sets this flag too). */
  eeNoNameChecks?: boolean;
}

export function opensslDaneVerify(port: number, mx: string, rrdata: string): Promise<OpensslDaneVerdict> {
  return opensslDaneVerifyAt({ address: '127.0.0.1', port, mx, rrdata: [rrdata] });
}

export async function opensslDaneVerifyAt(target: OpensslDaneTarget): Promise<OpensslDaneVerdict> {
  const { code, output } = await startTlsClient(target.address, target.port, target.mx, [
    '-dane_tlsa_domain',
    target.mx,
    ...target.rrdata.flatMap((rr) => ['-dane_tlsa_rrdata', rr]),
    ...(target.eeNoNameChecks ? ['-dane_ee_no_namechecks'] : []),
    '-verify_return_error',
    // no system CA store: DANE-TA/EE must stand on their own
    '-no-CApath',
    '-no-CAfile',
    '-no-CAstore',
  ]);
  return { verified: code === 0 && /Verification: OK/.test(output), output };
}

/** The legacy version OpenSSL negotiated on port 25 (TLS 1.1 tried first), or undefined when the server refused both. */
export async function opensslLegacyTls(address: string, mx: string): Promise<string | undefined> {
  return (await legacyHandshake(address, mx, '-tls1_1')) ?? (await legacyHandshake(address, mx, '-tls1'));
}

async function legacyHandshake(address: string, mx: string, versionFlag: '-tls1' | '-tls1_1') {
  // security level 0, or OpenSSL 3 refuses to offer these versions at all
  const { output } = await startTlsClient(address, 25, mx, [versionFlag, '-cipher', 'DEFAULT@SECLEVEL=0']);
  return /Protocol version: (TLSv1(?:\.1)?)\s/.exec(output)?.[1];
}

/** `openssl s_client -starttls smtp -brief` against address:port with SNI `mx`; stdout and stderr together. */
function startTlsClient(
  address: string,
  port: number,
  mx: string,
  extraArgs: string[],
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'openssl',
      ['s_client', '-starttls', 'smtp', '-connect', `${address}:${port}`, '-servername', mx, ...extraArgs, '-brief'],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
    child.stdin.end();
  });
}
