/** Just enough DER walking to cut the exact SubjectPublicKeyInfo bytes out of a certificate (TLSA selector 1). */

interface DerElement {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the contents. */
  contentStart: number;
  /** Offset just past the element. */
  end: number;
}

function readElement(der: Uint8Array, offset: number): DerElement {
  if (offset + 2 > der.length) throw new Error('DER: truncated header');
  const tag = der[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new Error('DER: multi-byte tags are not expected in a certificate');
  let lengthByte = der[offset + 1]!;
  let cursor = offset + 2;
  let length = lengthByte;
  if (lengthByte & 0x80) {
    const count = lengthByte & 0x7f;
    if (count === 0 || count > 4) throw new Error('DER: unsupported length form');
    length = 0;
    for (let i = 0; i < count; i++) {
      lengthByte = der[cursor++] ?? Number.NaN;
      length = length * 256 + lengthByte;
    }
    if (Number.isNaN(length)) throw new Error('DER: truncated length');
  }
  const end = cursor + length;
  if (end > der.length) throw new Error('DER: element runs past the end');
  return { tag, start: offset, contentStart: cursor, end };
}

function children(der: Uint8Array, parent: DerElement): DerElement[] {
  const list: DerElement[] = [];
  let offset = parent.contentStart;
  while (offset < parent.end) {
    const child = readElement(der, offset);
    list.push(child);
    offset = child.end;
  }
  return list;
}

/** The DER SubjectPublicKeyInfo of an X.509 certificate, byte for byte as in the certificate. */
export function extractSpki(certificateDer: Uint8Array): Uint8Array {
  const certificate = readElement(certificateDer, 0);
  const tbs = children(certificateDer, certificate)[0];
  if (tbs?.tag !== 0x30) throw new Error('DER: no TBSCertificate');
  const fields = children(certificateDer, tbs);
  // version is an optional [0] EXPLICIT field; then serial, signature, issuer, validity, subject, spki
  const skip = fields[0]?.tag === 0xa0 ? 1 : 0;
  const spki = fields[skip + 5];
  if (spki?.tag !== 0x30) throw new Error('DER: no SubjectPublicKeyInfo');
  return certificateDer.subarray(spki.start, spki.end);
}
