import type { DnsAnswer, DnsRecord } from '../types.ts';
import { rrsetOf, rrsigsOf, signersOf } from './answer-parts.ts';
import { ChainBuilder } from './chain.ts';
import { proveDenial, proveWildcard } from './denial.ts';
import { displayName, isSubdomainOf, labelCount, normalizeName, rrsigLabelCount } from './names.ts';
import type { ResolverOpinion, ValidationResult, Verdict } from './result.ts';
import { queryFailure, timings } from './timings.ts';
import { anchorSetId, builtInTrustAnchors } from './trust-anchors.ts';
import { ValidationContext, type ValidatorOptions } from './validation-context.ts';
import { verifyRrset } from './verify-rrset.ts';
import { WireReader } from './wire.ts';

const MAX_CNAME_CHAIN = 8;
const VERDICT_ORDER: Verdict[] = ['secure', 'insecure', 'indeterminate', 'bogus'];

/**
 * Our own DNSSEC validator: asks the configured resolver with DO+CD, builds the chain of trust from the anchors
 * and judges every RRset itself. The resolver's AD bit and EDEs are kept as a second opinion only.
 */
export class DnssecValidator {
  readonly #context: ValidationContext;
  readonly #chain: ChainBuilder;
  readonly #cacheId: string;

  constructor(options: ValidatorOptions) {
    this.#context = new ValidationContext(options);
    const anchors = options.anchors ?? builtInTrustAnchors();
    this.#chain = new ChainBuilder(this.#context, anchors);
    this.#cacheId = `dnssec:${anchorSetId(anchors)}`;
  }

  /** Queries issued by this validator so far (cache hits of the DNS layer included, shared chain links not). */
  get queries(): number {
    return this.#context.queries;
  }

  /**
   * Validated once per run (the memo of the options) for each name and type: every domain on one MX host asks about
   * the same host addresses, TLSA RRset and zone keys, and gets the same result. Callers must not change it.
   */
  validate(name: string, type: string): Promise<ValidationResult> {
    const qname = normalizeName(name);
    const qtype = type.toUpperCase();
    return this.#context.memo(`${this.#cacheId}:rrset:${qname}|${qtype}`, () => this.#validate(qname, qtype, 0));
  }

  async #validate(qname: string, type: string, depth: number): Promise<ValidationResult> {
    const startQueries = this.#context.queries;
    const base = { name: qname, type, records: [] as DnsRecord[], chain: [], signatures: [] };
    const done = (result: Omit<ValidationResult, 'queries'>): ValidationResult => ({
      ...result,
      queries: this.#context.queries - startQueries,
    });
    let answer: DnsAnswer;
    try {
      answer = await this.#context.askData(qname, type);
    } catch (error) {
      return done({
        ...base,
        verdict: 'indeterminate',
        reason: 'query-failed',
        detail: queryFailure(qname, type, error),
        rcode: 'ERROR',
      });
    }
    const resolver: ResolverOpinion = { rcode: answer.rcode, ad: answer.flags.ad, ede: answer.ede };
    const direct = rrsetOf(answer.answers, qname, type);
    const cname = type === 'CNAME' ? [] : rrsetOf(answer.answers, qname, 'CNAME');
    const positive = direct.length > 0 ? direct : cname;
    const positiveType = direct.length > 0 ? type : 'CNAME';
    const rrsigs = positive.length > 0 ? rrsigsOf(answer.answers, qname, positiveType) : [];

    const signers = positive.length > 0 ? signersOf(rrsigs) : signersOf(answer.authorities);
    const signer = signers
      .filter((candidate) => isSubdomainOf(qname, candidate))
      .sort((a, b) => labelCount(b) - labelCount(a))[0];
    const state = await this.#chain.zoneFor(signer ?? qname);
    const common = { ...base, rcode: answer.rcode, resolver, records: positive, chain: state.links, zone: state.zone };

    if (state.status === 'insecure') {
      return done({
        ...common,
        verdict: 'insecure',
        insecureAt: state.insecureAt,
        detail: `insecure: ${state.detail}`,
        signatures: state.signatures,
        ...(state.denial ? { denial: state.denial } : {}),
      });
    }
    if (state.status !== 'secure') {
      return done({
        ...common,
        verdict: state.status,
        reason: state.reason,
        detail: state.detail,
        signatures: state.signatures,
      });
    }
    if (signer !== undefined && signer !== state.zone) {
      return done({
        ...common,
        verdict: 'bogus',
        reason: 'no-matching-key',
        detail: `${displayName(qname)} ${type} is signed by ${displayName(signer)}, which the chain of trust does not reach as a zone (deepest secure zone ${displayName(state.zone)})`,
        signatures: state.signatures,
      });
    }

    if (positive.length === 0) {
      const denial = proveDenial(this.#context, answer, qname, type, state);
      if (!denial.ok)
        return done({
          ...common,
          verdict: 'bogus',
          reason: denial.reason,
          detail: denial.detail,
          signatures: state.signatures,
        });
      return done({
        ...common,
        verdict: denial.insecure ? 'insecure' : 'secure',
        detail: denial.detail,
        denial: denial.proof,
        signatures: [...state.signatures, ...denial.signatures],
      });
    }

    const verification = verifyRrset(positive, rrsigs, state.keys, {
      zone: state.zone,
      nowSeconds: this.#context.nowSeconds(),
      skewSeconds: this.#context.skewSeconds,
    });
    if (!verification.ok) {
      return done({
        ...common,
        verdict: 'bogus',
        reason: verification.reason ?? 'bad-signature',
        detail: verification.detail,
        signatures: state.signatures,
      });
    }
    const signatures = [
      ...state.signatures,
      ...timings(state.zone, qname, positiveType, verification.genuine, this.#context.nowSeconds()),
    ];
    let verdict: Verdict = 'secure';
    let detail = verification.detail;
    let denial: ValidationResult['denial'];
    const usedLabels = verification.rrsig!.labels;
    if (usedLabels < rrsigLabelCount(qname)) {
      const proof = proveWildcard(this.#context, answer, qname, usedLabels, state);
      if (!proof.ok)
        return done({ ...common, verdict: 'bogus', reason: proof.reason, detail: proof.detail, signatures });
      signatures.push(...proof.signatures);
      denial = proof.proof;
      if (proof.insecure) verdict = 'insecure';
      detail += `; expanded from a wildcard, ${proof.detail} proven`;
    }
    const own: ValidationResult = done({ ...common, verdict, detail, signatures, ...(denial ? { denial } : {}) });
    if (positiveType !== 'CNAME' || type === 'CNAME') return own;
    return this.#followCname(own, positive, type, depth, startQueries);
  }

  async #followCname(
    own: ValidationResult,
    cname: DnsRecord[],
    type: string,
    depth: number,
    startQueries: number,
  ): Promise<ValidationResult> {
    if (depth >= MAX_CNAME_CHAIN) {
      return { ...own, verdict: 'bogus', reason: 'cname-chain', detail: `CNAME chain longer than ${MAX_CNAME_CHAIN}` };
    }
    const target = normalizeName(String(cnameTarget(cname[0]!)));
    const next = await this.#validate(target, type, depth + 1);
    const worst = VERDICT_ORDER[Math.max(VERDICT_ORDER.indexOf(own.verdict), VERDICT_ORDER.indexOf(next.verdict))]!;
    return {
      ...next,
      name: own.name,
      verdict: worst,
      detail: `${displayName(own.name)} CNAME ${displayName(target)} (${own.verdict}); ${next.detail}`,
      records: [...own.records, ...next.records],
      chain: [...own.chain, ...next.chain.filter((link) => !own.chain.some((mine) => mine.zone === link.zone))],
      signatures: [...own.signatures, ...next.signatures],
      queries: this.#context.queries - startQueries,
    };
  }
}

function cnameTarget(record: DnsRecord): string {
  return typeof record.data === 'string' ? record.data : new WireReader(record.rdata).name();
}
