import { createHash, X509Certificate } from 'node:crypto';
import { extractSpki } from './der.ts';

/** What a certificate says, in JSON-safe form (evidence). Names are as presented: hostile text, bounded. */
export interface CertificateFacts {
  subject: string;
  issuer: string;
  subjectAltName: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  keyType: string;
  /** RSA modulus bits, EC curve bits; undefined when unknown. */
  keyBits: number | undefined;
  curve?: string;
  signatureAlgorithm: string;
  isCa: boolean;
  sha256: string;
}

const MAX_NAME_TEXT = 1024;

const CURVE_BITS: Record<string, number> = {
  prime256v1: 256,
  secp256r1: 256,
  secp384r1: 384,
  secp521r1: 521,
  secp224r1: 224,
  secp256k1: 256,
  prime192v1: 192,
};

const OKP_BITS: Record<string, number> = { ed25519: 256, ed448: 456, x25519: 256, x448: 448 };

function bounded(text: string | undefined): string {
  const value = text ?? '';
  return value.length > MAX_NAME_TEXT ? `${value.slice(0, MAX_NAME_TEXT)}…` : value;
}

export function parseDer(der: Uint8Array): X509Certificate {
  return new X509Certificate(der);
}

export function keyBitsOf(cert: X509Certificate): { keyType: string; keyBits: number | undefined; curve?: string } {
  const key = cert.publicKey;
  const keyType = key.asymmetricKeyType ?? 'unknown';
  const details = key.asymmetricKeyDetails ?? {};
  if (details.modulusLength !== undefined) return { keyType, keyBits: details.modulusLength };
  if (details.namedCurve !== undefined) {
    return { keyType, keyBits: CURVE_BITS[details.namedCurve], curve: details.namedCurve };
  }
  return { keyType, keyBits: OKP_BITS[keyType] };
}

export function certificateFacts(cert: X509Certificate): CertificateFacts {
  const key = keyBitsOf(cert);
  return {
    subject: bounded(cert.subject),
    issuer: bounded(cert.issuer),
    subjectAltName: bounded(cert.subjectAltName),
    serialNumber: cert.serialNumber,
    notBefore: cert.validFromDate.toISOString(),
    notAfter: cert.validToDate.toISOString(),
    keyType: key.keyType,
    keyBits: key.keyBits,
    ...(key.curve === undefined ? {} : { curve: key.curve }),
    signatureAlgorithm: cert.signatureAlgorithm ?? 'unknown',
    isCa: cert.ca,
    sha256: createHash('sha256').update(cert.raw).digest('hex'),
  };
}

/** DER SubjectPublicKeyInfo of a certificate (TLSA selector 1), byte for byte as in the certificate. */
export function spkiDer(cert: X509Certificate): Uint8Array {
  return extractSpki(cert.raw);
}
