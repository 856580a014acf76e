/** Test certificates made by the real `openssl` command line: CAs, intermediates, leaves, self-signed. */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Issued {
  name: string;
  keyPem: string;
  certPem: string;
  der: Buffer;
  x509: X509Certificate;
  keyFile: string;
  certFile: string;
}

export type KeySpec = 'ec256' | 'ec384' | 'rsa1024' | 'rsa2048';

export interface LeafSpec {
  cn: string;
  dns?: string[];
  days?: number;
  key?: KeySpec;
  /** Reuse the key of an earlier certificate (a renewal that keeps the key). */
  reuseKeyOf?: Issued;
  digest?: 'sha256' | 'sha1';
}

function keyArgs(key: KeySpec): string[] {
  switch (key) {
    case 'ec256':
      return ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
    case 'ec384':
      return ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'];
    case 'rsa1024':
      return ['-newkey', 'rsa:1024'];
    case 'rsa2048':
      return ['-newkey', 'rsa:2048'];
  }
}

export class Pki {
  readonly dir = mkdtempSync(join(tmpdir(), 'mailwarden-pki-'));
  #serial = 1;

  #openssl(args: string[]): void {
    execFileSync('openssl', args, { cwd: this.dir, stdio: ['ignore', 'ignore', 'pipe'] });
  }

  #load(name: string): Issued {
    const keyFile = join(this.dir, `${name}.key`);
    const certFile = join(this.dir, `${name}.pem`);
    const certPem = readFileSync(certFile, 'utf8');
    const x509 = new X509Certificate(certPem);
    return { name, keyPem: readFileSync(keyFile, 'utf8'), certPem, der: x509.raw, x509, keyFile, certFile };
  }

  /** A self-signed root CA. */
  root(name: string, key: KeySpec = 'ec256'): Issued {
    return this.#selfSignedWith(name, key, name, 3650, [
      '-addext',
      'basicConstraints=critical,CA:true',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
  }

  /** `openssl req -x509`: a new key and a certificate signed by it, with the extensions in `extraArgs`. */
  #selfSignedWith(name: string, key: KeySpec, cn: string, days: number, extraArgs: string[]): Issued {
    this.#openssl([
      'req',
      '-x509',
      ...keyArgs(key),
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.pem`,
      '-subj',
      `/CN=${cn}`,
      '-days',
      String(days),
      ...extraArgs,
    ]);
    return this.#load(name);
  }

  #signed(name: string, issuer: Issued, spec: LeafSpec, extensions: string): Issued {
    const keyOptions = spec.reuseKeyOf
      ? ['-key', spec.reuseKeyOf.keyFile]
      : [...keyArgs(spec.key ?? 'ec256'), '-nodes', '-keyout', `${name}.key`];
    this.#openssl(['req', '-new', ...keyOptions, '-out', `${name}.csr`, '-subj', `/CN=${spec.cn}`]);
    if (spec.reuseKeyOf) writeFileSync(join(this.dir, `${name}.key`), spec.reuseKeyOf.keyPem);
    writeFileSync(join(this.dir, `${name}.ext`), extensions);
    this.#openssl([
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      issuer.certFile,
      '-CAkey',
      issuer.keyFile,
      '-set_serial',
      String(this.#serial++),
      '-out',
      `${name}.pem`,
      '-days',
      String(spec.days ?? 90),
      `-${spec.digest ?? 'sha256'}`,
      '-extfile',
      `${name}.ext`,
    ]);
    return this.#load(name);
  }

  intermediate(name: string, issuer: Issued): Issued {
    return this.#signed(
      name,
      issuer,
      { cn: name, days: 1825 },
      'basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\n',
    );
  }

  leaf(name: string, issuer: Issued, spec: LeafSpec): Issued {
    const dns = spec.dns ?? [spec.cn];
    const san = dns.length > 0 ? `subjectAltName=${dns.map((d) => `DNS:${d}`).join(',')}\n` : '';
    return this.#signed(name, issuer, spec, `basicConstraints=CA:false\n${san}`);
  }

  selfSigned(name: string, spec: LeafSpec): Issued {
    const dns = spec.dns ?? [spec.cn];
    return this.#selfSignedWith(
      name,
      spec.key ?? 'ec256',
      spec.cn,
      spec.days ?? 90,
      dns.length > 0 ? ['-addext', `subjectAltName=${dns.map((d) => `DNS:${d}`).join(',')}`] : [],
    );
  }

  /** PEM of leaf + chain, as a server presents it. */
  static chainPem(...certs: Issued[]): string {
    return certs.map((c) => c.certPem).join('');
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
