import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exec, mapLimit } from './exec.ts';
import { certsDir } from './paths.ts';

/** A certificate the lab makes at start: run/certs/<name>.key and <name>.crt (leaf only) and <name>.chain.pem. */
export interface CertSpec {
  name: string;
  /** DNS names for the subjectAltName; the first one is also the CN. */
  names: string[];
  key: 'rsa2048' | 'ec256';
  /** Validity relative to now in days; a negative end makes an expired certificate. */
  notBeforeDays?: number;
  notAfterDays?: number;
  /** Self-signed instead of issued by the lab CA. */
  selfSigned?: boolean;
}

export const caCertFile = join(certsDir, 'ca.crt');
const caKeyFile = join(certsDir, 'ca.key');

function opensslTime(days: number): string {
  const date = new Date(Date.now() + days * 86400 * 1000);
  return `${date
    .toISOString()
    .replace(/[-:T]/g, '')
    .replace(/\.\d+Z$/, '')}Z`;
}

function keyArgs(key: CertSpec['key']): string[] {
  return key === 'rsa2048'
    ? ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']
    : ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'];
}

/** The lab CA (ECDSA P-256), valid ten years from a day ago. Its certificate is what tests pass as --ca-file. */
export async function makeCa(): Promise<void> {
  mkdirSync(join(certsDir, 'ca-db'), { recursive: true });
  writeFileSync(join(certsDir, 'ca-db', 'index.txt'), '');
  writeFileSync(join(certsDir, 'ca-db', 'serial'), '01\n');
  await exec('openssl', ['genpkey', ...keyArgs('ec256'), '-out', caKeyFile]);
  await exec('openssl', [
    'req',
    '-x509',
    '-new',
    '-key',
    caKeyFile,
    '-out',
    caCertFile,
    '-days',
    '3650',
    '-sha256',
    '-subj',
    '/O=mailwarden lab/CN=mailwarden lab CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
}

/**
 * Issues the certificates with `openssl ca`, which (unlike `openssl x509` in OpenSSL 3.0) sets arbitrary start and
 * end dates, so expired certificates are real ones.
 */
export async function makeCerts(specs: CertSpec[]): Promise<void> {
  await mapLimit(specs, 4, makeKey);
  for (const spec of specs) await issue(spec); // openssl ca updates one database: one at a time
}

async function makeKey(spec: CertSpec): Promise<void> {
  await exec('openssl', ['genpkey', ...keyArgs(spec.key), '-out', join(certsDir, `${spec.name}.key`)]);
}

async function issue(spec: CertSpec): Promise<void> {
  const dir = join(certsDir, 'ca-db');
  const base = join(certsDir, spec.name);
  const san = spec.names.map((n) => `DNS:${n}`).join(',');
  const config = join(dir, `${spec.name}.cnf`);
  writeFileSync(
    config,
    [
      '[ca]',
      'default_ca = lab',
      '[lab]',
      `database = ${join(dir, 'index.txt')}`,
      `serial = ${join(dir, 'serial')}`,
      `new_certs_dir = ${dir}`,
      'unique_subject = no',
      'default_md = sha256',
      'policy = anything',
      'copy_extensions = none',
      '[anything]',
      'commonName = supplied',
      '[leaf]',
      'basicConstraints = critical,CA:FALSE',
      'keyUsage = critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage = serverAuth',
      `subjectAltName = ${san}`,
      'subjectKeyIdentifier = hash',
      '',
    ].join('\n'),
  );
  const csr = `${base}.csr`;
  await exec('openssl', ['req', '-new', '-key', `${base}.key`, '-out', csr, '-subj', `/CN=${spec.names[0]}`]);
  const signer = spec.selfSigned
    ? ['-selfsign', '-keyfile', `${base}.key`]
    : ['-cert', caCertFile, '-keyfile', caKeyFile];
  await exec('openssl', [
    'ca',
    '-batch',
    '-notext',
    '-config',
    config,
    '-extensions',
    'leaf',
    ...signer,
    '-rand_serial',
    '-startdate',
    opensslTime(spec.notBeforeDays ?? -1),
    '-enddate',
    opensslTime(spec.notAfterDays ?? 90),
    '-in',
    csr,
    '-out',
    `${base}.crt`,
  ]);
}
