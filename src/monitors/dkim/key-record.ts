/**
 * DKIM key records (RFC 6376 3.6.1, RFC 8463 for ed25519): tag parsing and reading the key itself, so the RSA size
 * comes from the modulus, not from the length of the base64 text.
 */
import { createPublicKey } from 'node:crypto';
import { BoundedMemo } from '../../dns/dnssec/bounded-memo.ts';

export interface DkimKeyRecord {
  text: string;
  tags: Map<string, string>;
  version?: string;
  /** k=, default rsa. */
  keyType: string;
  /** h= hash algorithms, empty when absent (all allowed). */
  hashes: string[];
  /** s= service types, default ['*']. */
  services: string[];
  /** t= flags: y (testing), s (strict). */
  flags: string[];
  notes?: string;
  /** p= with whitespace removed; '' means revoked. */
  publicKey: string;
}

export type DkimKeyInfo =
  | { ok: true; algorithm: 'rsa'; bits: number; encoding: 'spki' | 'pkcs1' }
  | { ok: true; algorithm: 'ed25519'; bits: 256 }
  | { ok: false; reason: string };

export function parseDkimKeyRecord(text: string): { record?: DkimKeyRecord; errors: string[] } {
  const errors: string[] = [];
  const tags = new Map<string, string>();
  text.split(';').forEach((part, index) => {
    const trimmed = part.trim();
    if (trimmed === '') return;
    const match = /^([A-Za-z][A-Za-z0-9_]*)\s*=(.*)$/s.exec(trimmed);
    if (!match) {
      errors.push(`'${trimmed}' is not tag=value`);
      return;
    }
    const tag = match[1]!.toLowerCase();
    if (tags.has(tag)) errors.push(`tag '${tag}' appears more than once`);
    if (tag === 'v' && index !== 0) errors.push('v= must be the first tag');
    tags.set(tag, match[2]!.trim());
  });
  const version = tags.get('v');
  if (version !== undefined && version !== 'DKIM1') errors.push(`v=${version}: only DKIM1 exists`);
  const publicKey = tags.get('p');
  if (publicKey === undefined) errors.push('required tag p= is missing');
  const list = (tag: string, fallback: string[]): string[] => {
    const value = tags.get(tag);
    if (value === undefined) return fallback;
    return value
      .split(':')
      .map((v) => v.trim().toLowerCase())
      .filter((v) => v !== '');
  };
  if (errors.length > 0 || publicKey === undefined) return { errors };
  const record: DkimKeyRecord = {
    text,
    tags,
    keyType: (tags.get('k') ?? 'rsa').toLowerCase(),
    hashes: list('h', []),
    services: list('s', ['*']),
    flags: list('t', []),
    publicKey: publicKey.replace(/\s+/g, ''),
  };
  if (version !== undefined) record.version = version;
  const notes = tags.get('n');
  if (notes !== undefined) record.notes = notes;
  return { record, errors };
}

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * Keys already read, by type and text: domains of one hoster publish the same key, and importing it is the costly
 * part (createPublicKey for every domain was 2 % of a check's CPU).
 */
const keysRead = new BoundedMemo<string, DkimKeyInfo>(1_000);

export function readKey(keyType: string, base64: string): DkimKeyInfo {
  const id = `${keyType} ${base64}`;
  let info = keysRead.get(id);
  if (info === undefined) {
    info = Object.freeze(readKeyNow(keyType, base64));
    keysRead.set(id, info);
  }
  return info;
}

function readKeyNow(keyType: string, base64: string): DkimKeyInfo {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return { ok: false, reason: 'p= is not valid base64' };
  const der = Buffer.from(base64, 'base64');
  if (keyType === 'ed25519') {
    if (der.length !== 32) return { ok: false, reason: `ed25519 key must be 32 bytes, got ${der.length}` };
    try {
      createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, der]), format: 'der', type: 'spki' });
      return { ok: true, algorithm: 'ed25519', bits: 256 };
    } catch {
      return { ok: false, reason: 'ed25519 key is not a valid point' };
    }
  }
  if (keyType !== 'rsa') return { ok: false, reason: `unknown key type k=${keyType} (rsa or ed25519)` };
  for (const encoding of ['spki', 'pkcs1'] as const) {
    try {
      const key = createPublicKey({ key: der, format: 'der', type: encoding });
      if (key.asymmetricKeyType !== 'rsa')
        return { ok: false, reason: `k=rsa but the key is ${key.asymmetricKeyType}` };
      const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
      return { ok: true, algorithm: 'rsa', bits, encoding };
    } catch {
      // try the next encoding
    }
  }
  return { ok: false, reason: 'p= does not hold an RSA public key (neither SubjectPublicKeyInfo nor PKCS#1)' };
}
