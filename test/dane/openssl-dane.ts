/** Ask the real OpenSSL command line whether a server's chain satisfies one TLSA record (RFC 7671 semantics). */
import { spawn } from 'node:child_process';

export interface OpensslDaneVerdict {
  verified: boolean;
  output: string;
}

export function opensslDaneVerify(port: number, mx: string, rrdata: string): Promise<OpensslDaneVerdict> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'openssl',
      [
        's_client',
        '-starttls',
        'smtp',
        '-connect',
        `127.0.0.1:${port}`,
        '-servername',
        mx,
        '-dane_tlsa_domain',
        mx,
        '-dane_tlsa_rrdata',
        rrdata,
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
