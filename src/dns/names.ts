/**
 * Domain names between presentation form (`mail.example.nl`, root = '') and wire form (length-prefixed labels).
 * Presentation form escapes '.', '\\' and non-printable bytes as in zone files (`\.`, `\\`, `\DDD`), so a hostile
 * label such as "a.b" or one holding control characters survives the round trip unchanged.
 */

const MAX_NAME_WIRE_LENGTH = 255;
const MAX_LABEL_LENGTH = 63;
/** More jumps than any honest message needs; stops pointer chains long before they cost anything. */
const MAX_POINTER_JUMPS = 64;

export class NameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NameError';
  }
}

/** Strips one trailing dot; '.' becomes the root ''. Does not validate. */
export function trimTrailingDot(name: string): string {
  return name.endsWith('.') && !name.endsWith('\\.') ? name.slice(0, -1) : name;
}

/** Parses a presentation-form name into its labels (raw bytes). Throws NameError. */
export function parseNameLabels(presentation: string): Uint8Array[] {
  const name = trimTrailingDot(presentation);
  if (name === '') return [];
  const labels: Uint8Array[] = [];
  let current: number[] = [];
  const bytes = Buffer.from(name, 'utf8');
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte === 0x2e) {
      labels.push(finishLabel(current, presentation));
      current = [];
    } else if (byte === 0x5c) {
      const next = bytes[i + 1];
      if (next === undefined) throw new NameError(`dangling escape in name: ${presentation}`);
      if (next >= 0x30 && next <= 0x39) {
        const digits = bytes.subarray(i + 1, i + 4).toString('latin1');
        if (!/^[0-9]{3}$/.test(digits) || Number(digits) > 255) {
          throw new NameError(`bad \\DDD escape in name: ${presentation}`);
        }
        current.push(Number(digits));
        i += 3;
      } else {
        current.push(next);
        i += 1;
      }
    } else {
      current.push(byte);
    }
  }
  labels.push(finishLabel(current, presentation));
  const wireLength = labels.reduce((sum, label) => sum + label.length + 1, 1);
  if (wireLength > MAX_NAME_WIRE_LENGTH) throw new NameError(`name longer than 255 octets: ${presentation}`);
  return labels;
}

function finishLabel(bytes: number[], presentation: string): Uint8Array {
  if (bytes.length === 0) throw new NameError(`empty label in name: ${presentation}`);
  if (bytes.length > MAX_LABEL_LENGTH) throw new NameError(`label longer than 63 octets in name: ${presentation}`);
  return Uint8Array.from(bytes);
}

/** Uncompressed wire form of a presentation-form name. Throws NameError. */
export function nameToWire(presentation: string): Uint8Array {
  return labelsToWire(parseNameLabels(presentation));
}

export function labelsToWire(labels: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(labels.reduce((sum, label) => sum + label.length + 1, 1));
  let offset = 0;
  for (const label of labels) {
    out[offset++] = label.length;
    out.set(label, offset);
    offset += label.length;
  }
  out[offset] = 0;
  return out;
}

export function labelsToPresentation(labels: Uint8Array[]): string {
  return labels.map(labelToPresentation).join('.');
}

function labelToPresentation(label: Uint8Array): string {
  let out = '';
  for (const byte of label) {
    if (byte === 0x2e || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else if (byte > 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\${byte.toString().padStart(3, '0')}`;
  }
  return out;
}

export interface DecodedName {
  labels: Uint8Array[];
  /** Offset just after the name at its original position (after the first pointer, if any). */
  end: number;
}

/**
 * Reads a possibly compressed name from a whole message. Throws NameError on anything hostile: pointer loops,
 * pointers into the header or past the end, reserved label types, names over 255 octets.
 */
export function readName(message: Uint8Array, start: number): DecodedName {
  const labels: Uint8Array[] = [];
  let offset = start;
  let end: number | undefined;
  let jumps = 0;
  let wireLength = 1;
  for (;;) {
    if (offset >= message.length) throw new NameError('name runs past the end of the message');
    const length = message[offset]!;
    if (length === 0) {
      end ??= offset + 1;
      return { labels, end };
    }
    const kind = length & 0xc0;
    if (kind === 0xc0) {
      if (offset + 1 >= message.length) throw new NameError('compression pointer runs past the end of the message');
      const target = ((length & 0x3f) << 8) | message[offset + 1]!;
      end ??= offset + 2;
      if (++jumps > MAX_POINTER_JUMPS) throw new NameError('compression pointer loop');
      if (target < 12 || target >= message.length) throw new NameError('compression pointer out of range');
      offset = target;
      continue;
    }
    if (kind !== 0) throw new NameError('reserved label type');
    if (offset + 1 + length > message.length) throw new NameError('label runs past the end of the message');
    wireLength += length + 1;
    if (wireLength > MAX_NAME_WIRE_LENGTH) throw new NameError('name longer than 255 octets');
    labels.push(message.slice(offset + 1, offset + 1 + length));
    offset += 1 + length;
  }
}

/** Case-insensitive (ASCII only, as DNS defines it) comparison of two presentation-form names. */
export function sameName(a: string, b: string): boolean {
  return canonicalName(a) === canonicalName(b);
}

/** Lower-cases ASCII letters only and drops one trailing dot: the key form of a name. */
export function canonicalName(name: string): string {
  return trimTrailingDot(name).replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}
