import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifySignature } from '../../src/dns/dnssec/algorithms.ts';

/** Ed25519 (algorithm 15): the DNSKEY public key is the raw 32-byte point. */
function ed25519() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  return { raw: new Uint8Array(raw), signOver: (data: Uint8Array) => new Uint8Array(sign(null, data, privateKey)) };
}

describe('remembered keys and signature checks never change a verdict', () => {
  it('a remembered valid signature does not vouch for other data, another signature or another key', () => {
    const key = ed25519();
    const other = ed25519();
    const data = new TextEncoder().encode('mx.example. 3600 IN MX 10 mail.example.');
    const signature = key.signOver(data);
    expect(verifySignature(15, key.raw, data, signature)).toBe('valid');
    expect(verifySignature(15, key.raw, data, signature)).toBe('valid');

    const tamperedData = data.slice();
    tamperedData[tamperedData.length - 2] = (tamperedData[tamperedData.length - 2] ?? 0) ^ 1;
    expect(verifySignature(15, key.raw, tamperedData, signature)).toBe('invalid');

    const tamperedSignature = signature.slice();
    tamperedSignature[0] = (tamperedSignature[0] ?? 0) ^ 1;
    expect(verifySignature(15, key.raw, data, tamperedSignature)).toBe('invalid');

    expect(verifySignature(15, other.raw, data, signature)).toBe('invalid');
    // and the other way round: a remembered failure does not stick to the genuine signature
    expect(verifySignature(15, key.raw, data, signature)).toBe('valid');
  });

  it('one key signing many RRsets verifies each on its own', () => {
    const key = ed25519();
    for (let i = 0; i < 50; i++) {
      const data = new TextEncoder().encode(`d${i}.example. MX 10 mx.example.`);
      const signature = key.signOver(data);
      expect(verifySignature(15, key.raw, data, signature)).toBe('valid');
      expect(verifySignature(15, key.raw, new TextEncoder().encode(`d${i + 1}.example.`), signature)).toBe('invalid');
    }
  });

  it('a malformed key stays malformed when asked again', () => {
    expect(verifySignature(15, new Uint8Array(31), new Uint8Array(1), new Uint8Array(64))).toBe('malformed-key');
    expect(verifySignature(15, new Uint8Array(31), new Uint8Array(1), new Uint8Array(64))).toBe('malformed-key');
  });
});
