/** Ask the real OpenSSL command line whether an SMTP server still accepts TLS 1.0 or 1.1 after STARTTLS. */
import { spawn } from 'node:child_process';

function handshake(address: string, mx: string, versionFlag: '-tls1' | '-tls1_1'): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'openssl',
      [
        's_client',
        '-starttls',
        'smtp',
        '-connect',
        `${address}:25`,
        '-servername',
        mx,
        versionFlag,
        // security level 0, or OpenSSL 3 refuses to offer these versions at all
        '-cipher',
        'DEFAULT@SECLEVEL=0',
        '-brief',
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
    child.on('close', () => resolve(/Protocol version: (TLSv1(?:\.1)?)\s/.exec(output)?.[1]));
    child.stdin.end();
  });
}

/** The legacy version OpenSSL negotiated (TLS 1.1 tried first), or undefined when the server refused both. */
export async function opensslLegacyTls(address: string, mx: string): Promise<string | undefined> {
  return (await handshake(address, mx, '-tls1_1')) ?? (await handshake(address, mx, '-tls1'));
}
