/** Minimal reader/writer for uncompressed DNS wire data (RDATA arrives with compression already expanded). */

export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireError';
  }
}

export class WireReader {
  readonly #bytes: Uint8Array;
  #offset: number;

  constructor(bytes: Uint8Array, offset = 0) {
    this.#bytes = bytes;
    this.#offset = offset;
  }

  get offset(): number {
    return this.#offset;
  }

  get remaining(): number {
    return this.#bytes.length - this.#offset;
  }

  u8(): number {
    this.#need(1);
    return this.#bytes[this.#offset++]!;
  }

  u16(): number {
    this.#need(2);
    const value = (this.#bytes[this.#offset]! << 8) | this.#bytes[this.#offset + 1]!;
    this.#offset += 2;
    return value;
  }

  u32(): number {
    return this.u16() * 0x10000 + this.u16();
  }

  bytes(length: number): Uint8Array {
    this.#need(length);
    const slice = this.#bytes.subarray(this.#offset, this.#offset + length);
    this.#offset += length;
    return slice;
  }

  rest(): Uint8Array {
    return this.bytes(this.remaining);
  }

  /** An uncompressed domain name; returns it in presentation form without the trailing dot ('' is the root). */
  name(): string {
    const labels: string[] = [];
    for (;;) {
      const length = this.u8();
      if (length === 0) break;
      if (length > 63) throw new WireError('compressed or invalid label in RDATA name');
      labels.push(labelToText(this.bytes(length)));
    }
    return labels.join('.');
  }

  /** Skips an uncompressed name and returns its raw wire bytes. */
  rawName(): Uint8Array {
    const start = this.#offset;
    for (;;) {
      const length = this.u8();
      if (length === 0) break;
      if (length > 63) throw new WireError('compressed or invalid label in RDATA name');
      this.bytes(length);
    }
    return this.#bytes.subarray(start, this.#offset);
  }

  #need(length: number): void {
    if (this.#offset + length > this.#bytes.length) throw new WireError('RDATA too short');
  }
}

function labelToText(label: Uint8Array): string {
  let text = '';
  for (const byte of label) {
    if (byte === 0x2e || byte === 0x5c) text += `\\${String.fromCharCode(byte)}`;
    else if (byte < 0x21 || byte > 0x7e) text += `\\${byte.toString().padStart(3, '0')}`;
    else text += String.fromCharCode(byte);
  }
  return text;
}

/** Splits a presentation-form name into raw labels, honouring `\.` and `\DDD` escapes. */
export function nameToLabels(name: string): Uint8Array[] {
  const trimmed = name.endsWith('.') && !name.endsWith('\\.') ? name.slice(0, -1) : name;
  if (trimmed === '') return [];
  const labels: Uint8Array[] = [];
  let current: number[] = [];
  for (let i = 0; i < trimmed.length; i++) {
    const char = trimmed[i]!;
    if (char === '\\') {
      const digits = trimmed.slice(i + 1, i + 4);
      if (/^\d{3}$/.test(digits)) {
        current.push(Number(digits));
        i += 3;
      } else {
        current.push(trimmed.charCodeAt(i + 1));
        i += 1;
      }
    } else if (char === '.') {
      labels.push(Uint8Array.from(current));
      current = [];
    } else {
      current.push(trimmed.charCodeAt(i) & 0xff);
    }
  }
  labels.push(Uint8Array.from(current));
  return labels;
}

/** Wire form of a name, optionally lowercased (canonical form, RFC 4034 §6.2). */
export function encodeName(name: string, lowercase = true): Uint8Array {
  const labels = nameToLabels(name);
  const out: number[] = [];
  for (const label of labels) {
    if (label.length === 0 || label.length > 63) throw new WireError(`invalid label in ${name}`);
    out.push(label.length);
    for (const byte of label) out.push(lowercase && byte >= 0x41 && byte <= 0x5a ? byte + 0x20 : byte);
  }
  out.push(0);
  return Uint8Array.from(out);
}

export function lowercaseWireName(raw: Uint8Array): Uint8Array {
  return raw.map((byte) => (byte >= 0x41 && byte <= 0x5a ? byte + 0x20 : byte));
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function u16Bytes(value: number): Uint8Array {
  return Uint8Array.of((value >>> 8) & 0xff, value & 0xff);
}

export function u32Bytes(value: number): Uint8Array {
  return Uint8Array.of((value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return a.length - b.length;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return compareBytes(a, b) === 0;
}
