/**
 * Postfix's own DANE client, `posttls-finger -l dane` (Debian's postfix package), pointed at the lab's Unbound. It
 * reads the resolver from /etc/resolv.conf only, so it runs in a private mount namespace (`unshare --mount`, root)
 * where a lab resolv.conf (with `options trust-ad`: glibc strips the AD bit otherwise) is bind-mounted over it.
 * Nothing outside that namespace sees the file.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PosttlsFingerRun {
  code: number;
  output: string;
  /** Postfix matched a TLSA record of the host: it applied DANE. */
  daneMatched: boolean;
  /** "Verified TLS connection": DANE authenticated the server. */
  verified: boolean;
}

export function posttlsFinger(domain: string, resolver: string): Promise<PosttlsFingerRun> {
  const dir = mkdtempSync(join(tmpdir(), 'mw-posttls-'));
  const resolv = join(dir, 'resolv.conf');
  writeFileSync(resolv, `nameserver ${resolver}\noptions trust-ad\n`);
  writeFileSync(join(dir, 'main.cf'), 'compatibility_level = 3.6\n');
  const script = 'mount --bind "$1" /etc/resolv.conf && shift && exec "$@"';
  const args = ['--mount', 'sh', '-c', script, 'sh', resolv, 'posttls-finger', '-c', '-l', 'dane', domain];
  return new Promise((resolve) => {
    execFile(
      'unshare',
      args,
      { timeout: 60_000, env: { ...process.env, MAIL_CONFIG: dir } },
      (error, stdout, stderr) => {
        rmSync(dir, { recursive: true, force: true });
        const output = `${stdout}${stderr}`;
        const code = error && typeof error.code === 'number' ? error.code : error ? -1 : 0;
        resolve({
          code,
          output,
          daneMatched: /Matched DANE (EE|TA) /.test(output),
          verified: /Verified TLS connection established/.test(output),
        });
      },
    );
  });
}
