import type { DnsAnswer, DnsRecord } from '../types.ts';
import { isValidatingAlgorithm } from './algorithms.ts';
import { rrsetOf, rrsigsOf } from './answer-parts.ts';
import { proveDenial } from './denial.ts';
import { displayName, isSubdomainOf, labelCount, namesBetween, normalizeName } from './names.ts';
import { type Dnskey, parseDnskey } from './rdata/dnskey.ts';
import { DIGEST_TYPES, type Ds, dsDigest, parseDs } from './rdata/ds.ts';
import type { ChainLink, FailureReason, SignatureTiming } from './result.ts';
import { queryFailure, timings } from './timings.ts';
import { anchorSetId, type TrustAnchor } from './trust-anchors.ts';
import type { ValidationContext } from './validation-context.ts';
import { verifyRrset } from './verify-rrset.ts';
import { bytesEqual } from './wire.ts';
import type { ZoneState } from './zone-state.ts';

type Step = { kind: 'cut'; state: ZoneState } | { kind: 'not-a-cut' } | { kind: 'nxdomain' };

/**
 * Builds the chain of trust from a trust anchor down to a zone: DNSKEY of the anchor zone, then for each label
 * below it the DS at the parent (or the signed proof that there is none), the child DNSKEY set matching the DS.
 * Every link is memoised per run, so root and TLD keys are validated once, not per domain.
 */
export class ChainBuilder {
  readonly #context: ValidationContext;
  readonly #anchors: TrustAnchor[];
  readonly #cacheId: string;

  constructor(context: ValidationContext, anchors: TrustAnchor[]) {
    this.#context = context;
    this.#anchors = anchors;
    this.#cacheId = `dnssec:${anchorSetId(anchors)}`;
  }

  /** The state of the deepest zone on the path from the closest trust anchor down to `target`. */
  async zoneFor(target: string): Promise<ZoneState> {
    const name = normalizeName(target);
    const anchor = this.#anchors
      .filter((candidate) => isSubdomainOf(name, candidate.zone))
      .sort((a, b) => labelCount(b.zone) - labelCount(a.zone))[0];
    if (!anchor) {
      return {
        status: 'indeterminate',
        zone: name,
        reason: 'no-trust-anchor',
        detail: `no trust anchor covers ${displayName(name)}`,
        links: [],
        signatures: [],
      };
    }
    let state = await this.#context.memo(`${this.#cacheId}:anchor:${anchor.zone}`, () => this.#anchorState(anchor));
    for (const child of namesBetween(anchor.zone, name)) {
      if (state.status !== 'secure') break;
      const parent = state;
      const step = await this.#context.memo(`${this.#cacheId}:cut:${child}`, () => this.#delegation(parent, child));
      if (step.kind === 'nxdomain') break;
      if (step.kind === 'cut') state = step.state;
    }
    return state;
  }

  async #anchorState(anchor: TrustAnchor): Promise<ZoneState> {
    const zone = anchor.zone;
    const base = { zone, links: [], signatures: [] };
    let answer: DnsAnswer;
    try {
      answer = await this.#context.ask(zone, 'DNSKEY');
    } catch (error) {
      return { ...base, status: 'indeterminate', reason: 'query-failed', detail: queryFailure(zone, 'DNSKEY', error) };
    }
    const dnskeyRecords = rrsetOf(answer.answers, zone, 'DNSKEY');
    const anchoredKeys = dnskeyRecords
      .map((record) => parseDnskey(record.rdata))
      .filter((key) => {
        if (anchor.dnskeys.some((rdata) => bytesEqual(rdata, key.rdata))) return true;
        return anchor.ds.some((rdata) => dsMatches(zone, parseDs(rdata), key));
      });
    if (dnskeyRecords.length > 0 && anchoredKeys.length === 0) {
      // not the domain's fault: the resolver serves another root (a private one, or ours is outdated)
      const served = dnskeyRecords.map((record) => parseDnskey(record.rdata).keyTag).join(', ');
      const anchored = [
        ...anchor.ds.map((rdata) => parseDs(rdata)).map((ds) => `${ds.keyTag}/${ds.algorithm}`),
        ...anchor.dnskeys.map((rdata) => parseDnskey(rdata)).map((key) => `${key.keyTag}/${key.algorithm}`),
      ].join(', ');
      return {
        ...base,
        status: 'indeterminate',
        reason: 'no-trust-anchor',
        detail:
          `the resolver's ${zone === '' ? 'root' : displayName(zone)} keys (${served}) match none of our trust anchors ` +
          `(${anchored}): it serves another ${zone === '' ? 'root' : 'zone'}, so nothing can be judged (a private root needs its own trust anchor)`,
      };
    }
    return this.#keysFromDnskeySet(
      zone,
      answer,
      dnskeyRecords,
      anchoredKeys,
      anchor.ds.map(parseDs),
      [],
      [],
      'trust anchor',
    );
  }

  /** One label below a secure zone: a secure cut, an insecure (proven) cut, no cut, or a name that does not exist. */
  async #delegation(parent: Extract<ZoneState, { status: 'secure' }>, child: string): Promise<Step> {
    const base = { zone: parent.zone, links: parent.links, signatures: parent.signatures };
    let answer: DnsAnswer;
    try {
      answer = await this.#context.ask(child, 'DS');
    } catch (error) {
      return {
        kind: 'cut',
        state: { ...base, status: 'indeterminate', reason: 'query-failed', detail: queryFailure(child, 'DS', error) },
      };
    }
    const dsRecords = rrsetOf(answer.answers, child, 'DS');
    if (dsRecords.length === 0) {
      if (answer.answers.some((record) => record.type === 'CNAME' && normalizeName(record.name) === child)) {
        return { kind: 'not-a-cut' };
      }
      const denial = proveDenial(this.#context, answer, child, 'DS', parent);
      if (!denial.ok) {
        return {
          kind: 'cut',
          state: {
            ...base,
            status: 'bogus',
            reason: denial.reason,
            detail: `no DS for ${displayName(child)}: ${denial.detail}`,
          },
        };
      }
      const signatures = [...parent.signatures, ...denial.signatures];
      if (denial.proof.proves === 'nodata') return { kind: 'not-a-cut' };
      if (denial.proof.proves === 'nxdomain' && !denial.insecure) return { kind: 'nxdomain' };
      const link: ChainLink = {
        zone: child,
        status: 'insecure',
        dsKeyTags: [],
        dnskeyTags: [],
        algorithms: [],
        digestTypes: [],
        detail: denial.detail,
      };
      return {
        kind: 'cut',
        state: {
          status: 'insecure',
          zone: parent.zone,
          insecureAt: child,
          detail: denial.detail,
          denial: denial.proof,
          links: [...parent.links, link],
          signatures,
        },
      };
    }

    const verification = verifyRrset(dsRecords, rrsigsOf(answer.answers, child, 'DS'), parent.keys, {
      zone: parent.zone,
      nowSeconds: this.#context.nowSeconds(),
      skewSeconds: this.#context.skewSeconds,
    });
    if (!verification.ok) {
      return {
        kind: 'cut',
        state: {
          ...base,
          status: 'bogus',
          reason: verification.reason ?? 'bad-signature',
          detail: `DS of ${displayName(child)}: ${verification.detail}`,
        },
      };
    }
    const dsSignatures = [
      ...parent.signatures,
      ...timings(parent.zone, child, 'DS', verification.genuine, this.#context.nowSeconds()),
    ];
    const dsSet = dsRecords.map((record) => parseDs(record.rdata));
    let keyAnswer: DnsAnswer;
    try {
      keyAnswer = await this.#context.ask(child, 'DNSKEY');
    } catch (error) {
      return {
        kind: 'cut',
        state: {
          ...base,
          status: 'indeterminate',
          reason: 'query-failed',
          detail: queryFailure(child, 'DNSKEY', error),
        },
      };
    }
    const dnskeyRecords = rrsetOf(keyAnswer.answers, child, 'DNSKEY');
    const matched = dnskeyRecords
      .map((record) => parseDnskey(record.rdata))
      .filter((key) => dsSet.some((ds) => dsMatches(child, ds, key)));
    const state = this.#keysFromDnskeySet(
      child,
      keyAnswer,
      dnskeyRecords,
      matched,
      dsSet,
      parent.links,
      dsSignatures,
      `DS at ${displayName(parent.zone)}`,
    );
    return { kind: 'cut', state };
  }

  /** Validates a zone's DNSKEY RRset with the keys the DS (or anchor) vouches for. */
  #keysFromDnskeySet(
    zone: string,
    answer: DnsAnswer,
    dnskeyRecords: DnsRecord[],
    vouched: Dnskey[],
    dsSet: Ds[],
    links: ChainLink[],
    signatures: SignatureTiming[],
    authority: string,
  ): ZoneState {
    const keys = dnskeyRecords.map((record) => parseDnskey(record.rdata));
    const link: ChainLink = {
      zone,
      status: 'secure',
      dsKeyTags: dsSet.map((ds) => ds.keyTag),
      dnskeyTags: keys.map((key) => key.keyTag),
      algorithms: [...new Set(keys.map((key) => key.algorithm))],
      digestTypes: [...new Set(dsSet.map((ds) => ds.digestType))],
    };
    const usableDs = dsSet.filter(
      (ds) => isValidatingAlgorithm(ds.algorithm) && DIGEST_TYPES[ds.digestType] !== undefined,
    );
    if (dsSet.length > 0 && usableDs.length === 0) {
      const detail = `every DS of ${displayName(zone)} uses an algorithm or digest type that is never trusted: the zone counts as unsigned`;
      return {
        status: 'insecure',
        zone,
        insecureAt: zone,
        detail,
        links: [...links, { ...link, status: 'insecure', detail }],
        signatures,
      };
    }
    const fail = (reason: FailureReason, detail: string): ZoneState => ({
      status: 'bogus',
      zone,
      reason,
      detail,
      links: [...links, { ...link, status: 'bogus', detail }],
      signatures,
    });
    if (keys.length === 0)
      return fail(
        'missing-dnskey',
        `${displayName(zone)} answers no DNSKEY RRset, but the ${authority} says it is signed`,
      );
    const trusted = vouched.filter((key) => isValidatingAlgorithm(key.algorithm) && !key.revoked);
    if (trusted.length === 0) {
      const tags = dsSet.map((ds) => `${ds.keyTag}/${ds.algorithm}`).join(', ') || 'the anchor keys';
      const have = keys.map((key) => key.keyTag).join(', ');
      return fail(
        'no-dnskey-matches-ds',
        `no DNSKEY of ${displayName(zone)} (key tags ${have}) matches the ${authority} (${tags})`,
      );
    }
    const verification = verifyRrset(dnskeyRecords, rrsigsOf(answer.answers, zone, 'DNSKEY'), trusted, {
      zone,
      nowSeconds: this.#context.nowSeconds(),
      skewSeconds: this.#context.skewSeconds,
    });
    if (!verification.ok)
      return fail(verification.reason ?? 'bad-signature', `DNSKEY of ${displayName(zone)}: ${verification.detail}`);
    return {
      status: 'secure',
      zone,
      keys: keys.filter((key) => key.zoneKey && !key.revoked),
      links: [...links, link],
      signatures: [...signatures, ...timings(zone, zone, 'DNSKEY', verification.genuine, this.#context.nowSeconds())],
    };
  }
}

function dsMatches(zone: string, ds: Ds, key: Dnskey): boolean {
  if (ds.keyTag !== key.keyTag || ds.algorithm !== key.algorithm) return false;
  const digest = dsDigest(zone, key.rdata, ds.digestType);
  return digest !== undefined && bytesEqual(digest, ds.digest);
}
