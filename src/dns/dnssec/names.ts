import { compareBytes, nameToLabels } from './wire.ts';

/** Names are kept in presentation form without the trailing dot; the root is ''. */
export function normalizeName(name: string): string {
  const trimmed = name.endsWith('.') && !name.endsWith('\\.') ? name.slice(0, -1) : name;
  return trimmed.toLowerCase();
}

export function displayName(name: string): string {
  return name === '' ? '.' : `${name}.`;
}

export function labelCount(name: string): number {
  return nameToLabels(name).length;
}

/** RRSIG Labels field semantics: a leading `*` label does not count (RFC 4034 §3.1.3). */
export function rrsigLabelCount(name: string): number {
  const labels = nameToLabels(name);
  const first = labels[0];
  const wildcard = first !== undefined && first.length === 1 && first[0] === 0x2a;
  return wildcard ? labels.length - 1 : labels.length;
}

export function parentName(name: string): string {
  const normalized = normalizeName(name);
  if (normalized === '') return '';
  const labels = splitLabels(normalized);
  return labels.slice(1).join('.');
}

/** The last `count` labels of `name`. */
export function suffixName(name: string, count: number): string {
  const labels = splitLabels(normalizeName(name));
  return count <= 0 ? '' : labels.slice(-count).join('.');
}

export function isSubdomainOf(name: string, zone: string): boolean {
  const n = normalizeName(name);
  const z = normalizeName(zone);
  return z === '' || n === z || n.endsWith(`.${z}`);
}

/** Presentation labels, keeping escapes intact (so joining with '.' restores the name). */
export function splitLabels(name: string): string[] {
  if (name === '') return [];
  const labels: string[] = [];
  let current = '';
  for (let i = 0; i < name.length; i++) {
    const char = name[i]!;
    if (char === '\\') {
      current += name.slice(i, i + 2);
      i += 1;
    } else if (char === '.') {
      labels.push(current);
      current = '';
    } else current += char;
  }
  labels.push(current);
  return labels;
}

/** Canonical DNS name order (RFC 4034 §6.1): compare label by label from the right, as lowercase octets. */
export function canonicalCompare(a: string, b: string): number {
  const left = nameToLabels(a.toLowerCase()).reverse();
  const right = nameToLabels(b.toLowerCase()).reverse();
  const length = Math.min(left.length, right.length);
  for (let i = 0; i < length; i++) {
    const order = compareBytes(left[i]!, right[i]!);
    if (order !== 0) return order;
  }
  return left.length - right.length;
}

/** The names from `zone` (exclusive) down to `name` (inclusive), shortest first. */
export function namesBetween(zone: string, name: string): string[] {
  const z = labelCount(normalizeName(zone));
  const n = labelCount(normalizeName(name));
  const out: string[] = [];
  for (let count = z + 1; count <= n; count++) out.push(suffixName(name, count));
  return out;
}
