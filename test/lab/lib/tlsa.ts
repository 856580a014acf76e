import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { certsDir } from './paths.ts';
import type { TlsaDirective } from './zone-source.ts';

/**
 * The TLSA association data for a lab certificate: `cert:<name>` is certs/<name>.crt, `cert:<name>-next` is the
 * pre-generated next key's certificate certs/<name>-next.crt, `ca` is the lab CA.
 */
export function tlsaRdata(t: TlsaDirective): string {
  const file = t.source === 'ca' ? join(certsDir, 'ca.crt') : join(certsDir, `${t.source.slice('cert:'.length)}.crt`);
  if (!existsSync(file)) throw new Error(`tlsa ${t.owner}: no lab certificate ${file} (see test/lab/README.md)`);
  const cert = new X509Certificate(readFileSync(file));
  let selected: Buffer;
  if (t.selector === 0) selected = cert.raw;
  else if (t.selector === 1) selected = cert.publicKey.export({ type: 'spki', format: 'der' });
  else throw new Error(`tlsa ${t.owner}: selector ${t.selector} is not 0 or 1`);
  let data: string;
  if (t.matching === 0) data = selected.toString('hex');
  else if (t.matching === 1) data = createHash('sha256').update(selected).digest('hex');
  else if (t.matching === 2) data = createHash('sha512').update(selected).digest('hex');
  else throw new Error(`tlsa ${t.owner}: matching type ${t.matching} is not 0, 1 or 2`);
  return `${t.usage} ${t.selector} ${t.matching} ${data.toUpperCase()}`;
}
