/** Ask the real OpenSSL command line whether a server's chain satisfies TLSA records (RFC 7671 semantics). */
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

export function opensslDaneVerifyAt(target: OpensslDaneTarget): Promise<OpensslDaneVerdict> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'openssl',
      [
        's_client',
        '-starttls',
        'smtp',
        '-connect',
        `${target.address}:${target.port}`,
        '-servername',
        target.mx,
        '-dane_tlsa_domain',
        target.mx,
        ...target.rrdata.flatMap((rr) => ['-dane_tlsa_rrdata', rr]),
        ...(target.eeNoNameChecks ? ['-dane_ee_no_namechecks'] : []),
        '-verify_return_error',
        '-brief',
        // no system CA store: DANE-TA/EE must stand on their own
        '-no-CApath',
        '-no-CAfile',
        '-no-CAstore',
      ],
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
    child.on('close', (code) => {
      resolve({ verified: code === 0 && /Verification: OK/.test(output), output });
    });
    child.stdin.end();
  });
}
