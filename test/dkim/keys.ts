/** DKIM public keys generated at test time (nothing secret is committed). */
import { generateKeyPairSync } from 'node:crypto';

export function rsaPublicKey(bits: number): string {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
}

export function rsaPkcs1PublicKey(bits: number): string {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return publicKey.export({ format: 'der', type: 'pkcs1' }).toString('base64');
}

/** RFC 8463: the raw 32-byte key, i.e. the SPKI without its 12-byte prefix. */
export function ed25519PublicKey(): string {
  const { publicKey } = generateKeyPairSync('ed25519');
  return publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('base64');
}
