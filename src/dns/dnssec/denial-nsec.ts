import { canonicalCompare, isSubdomainOf, normalizeName, splitLabels } from './names.ts';
import type { Nsec } from './rdata/nsec.ts';
import { typeNumber } from './rr-types.ts';

export interface OwnedNsec extends Nsec {
  owner: string;
}

export type NsecOutcome =
  | { ok: true; proves: 'nxdomain' | 'nodata' | 'no-ds' | 'not-a-cut' | 'wildcard'; records: string[] }
  | { ok: false; detail: string };

const NS = typeNumber('NS');
const SOA = typeNumber('SOA');
const DS = typeNumber('DS');
const CNAME = typeNumber('CNAME');

/** True when `name` falls strictly between owner and next in canonical order (the last NSEC wraps to the apex). */
export function nsecCovers(nsec: OwnedNsec, name: string, zone: string): boolean {
  const afterOwner = canonicalCompare(nsec.owner, name) < 0;
  const wraps = canonicalCompare(nsec.nextName, nsec.owner) <= 0;
  if (wraps) return afterOwner && isSubdomainOf(name, zone);
  return afterOwner && canonicalCompare(name, nsec.nextName) < 0;
}

/** An NSEC at a delegation point (NS without SOA) proves nothing about names below it (RFC 4035 §5.4). */
function isDelegationAbove(nsec: OwnedNsec, name: string): boolean {
  return nsec.types.has(NS) && !nsec.types.has(SOA) && nsec.owner !== name && isSubdomainOf(name, nsec.owner);
}

function commonAncestor(a: string, b: string): string {
  const left = splitLabels(a).reverse();
  const right = splitLabels(b).reverse();
  const shared: string[] = [];
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    if (left[i] !== right[i]) break;
    shared.push(left[i]!);
  }
  return shared.reverse().join('.');
}

/** The closest encloser implied by an NSEC that covers `name`: the longer common ancestor with owner or next. */
function closestEncloser(nsec: OwnedNsec, name: string): string {
  const a = commonAncestor(nsec.owner, name);
  const b = commonAncestor(nsec.nextName, name);
  return splitLabels(a).length >= splitLabels(b).length ? a : b;
}

/** Proof that `name`/`type` does not exist, from NSEC records already verified as signed by `zone`. */
export function proveWithNsec(nsecs: readonly OwnedNsec[], qname: string, qtype: string, zone: string): NsecOutcome {
  const name = normalizeName(qname);
  const type = typeNumber(qtype);
  const matching = nsecs.find((nsec) => nsec.owner === name);
  if (matching) {
    if (type === DS) {
      if (matching.types.has(DS)) return { ok: false, detail: `NSEC at ${name} lists DS: the DS exists` };
      if (matching.types.has(SOA) && name !== zone) {
        return { ok: false, detail: `the NSEC at ${name} is from the child zone (it lists SOA), not from the parent` };
      }
      if (matching.types.has(NS) && !matching.types.has(SOA)) return { ok: true, proves: 'no-ds', records: [name] };
      return { ok: true, proves: 'not-a-cut', records: [name] };
    }
    if (matching.types.has(type)) return { ok: false, detail: `NSEC at ${name} lists ${qtype}: the data exists` };
    if (matching.types.has(CNAME))
      return { ok: false, detail: `NSEC at ${name} lists CNAME: the answer should be a CNAME` };
    if (matching.types.has(NS) && !matching.types.has(SOA)) {
      return { ok: false, detail: `NSEC at ${name} is a delegation point: it cannot deny ${qtype}` };
    }
    return { ok: true, proves: 'nodata', records: [name] };
  }

  const covering = nsecs.find((nsec) => nsecCovers(nsec, name, zone) && !isDelegationAbove(nsec, name));
  if (!covering) return { ok: false, detail: `no NSEC matches or covers ${name}` };
  // An empty non-terminal: the name exists (it has descendants) but owns no data.
  if (isSubdomainOf(covering.nextName, name) && covering.nextName !== name) {
    return { ok: true, proves: type === DS ? 'not-a-cut' : 'nodata', records: [covering.owner] };
  }
  const encloser = closestEncloser(covering, name);
  const wildcard = encloser === '' ? '*' : `*.${encloser}`;
  const wildcardMatch = nsecs.find((nsec) => nsec.owner === wildcard);
  if (wildcardMatch) {
    if (wildcardMatch.types.has(type) || wildcardMatch.types.has(CNAME)) {
      return {
        ok: false,
        detail: `the wildcard ${wildcard} exists and has ${qtype}: the answer should be synthesised`,
      };
    }
    return { ok: true, proves: 'nodata', records: [covering.owner, wildcard] };
  }
  const wildcardCover = nsecs.find((nsec) => nsecCovers(nsec, wildcard, zone));
  if (!wildcardCover) return { ok: false, detail: `no NSEC proves that the wildcard ${wildcard} does not exist` };
  return { ok: true, proves: 'nxdomain', records: [...new Set([covering.owner, wildcardCover.owner])] };
}

/** Proof that a wildcard-synthesised answer was correct: no closer match for `qname` exists (RFC 4035 §5.3.4). */
export function proveWildcardWithNsec(nsecs: readonly OwnedNsec[], qname: string, zone: string): NsecOutcome {
  const name = normalizeName(qname);
  const covering = nsecs.find((nsec) => nsecCovers(nsec, name, zone));
  if (!covering)
    return { ok: false, detail: `no NSEC proves that ${name} does not exist, so the wildcard may not apply` };
  return { ok: true, proves: 'wildcard', records: [covering.owner] };
}
