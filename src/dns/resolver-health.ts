/**
 * Is the resolver itself fit for the job? A resolver that strips DNSSEC data (no RRSIG for a signed name asked
 * with DO) would turn every DNSSEC and DANE check into a false alarm, so it is reported once, as one typed problem
 * about the resolver, and the caller mutes per-domain DNSSEC verdicts.
 */
import { DnsError } from './errors.ts';
import { sameName } from './names.ts';
import { createResolver, type ResolverOptions } from './resolver.ts';
import { formatServer } from './servers.ts';
import type { DnsAnswer, DnsClient, DnsServer } from './types.ts';

export type ResolverProblemKind =
  /** The resolver answered without RRSIG although DO was set: it strips DNSSEC data. */
  | 'dnssec-stripped'
  /** The probe name had no data of the probe type (an unsigned or unreachable root, a broken resolver). */
  | 'unexpected-answer'
  /** No usable answer: timeout, SERVFAIL, REFUSED, malformed, network error. */
  | 'unreachable';

export interface ResolverProblem {
  kind: ResolverProblemKind;
  /** Which resolver, `ip:port`, when known. */
  server: string | undefined;
  message: string;
  error?: DnsError;
}

export interface ResolverHealth {
  ok: boolean;
  problem?: ResolverProblem;
  latencyMs: number;
  /** The resolver set AD: it validated the probe answer itself. */
  validated?: boolean;
  answer?: DnsAnswer;
}

export interface ProbeOptions {
  /** Name to ask; default the root (''), which is signed on the Internet and in the lab. */
  name?: string;
  /** Type to ask; default SOA for `probeResolver`, DNSKEY for `checkDnssecSupport`. */
  type?: string;
}

/** Generic health check (a canary): one query, did a usable answer come back, and how fast. */
export async function probeResolver(dns: DnsClient, options: ProbeOptions = {}): Promise<ResolverHealth> {
  const name = options.name ?? '';
  const type = options.type ?? 'SOA';
  const started = performance.now();
  try {
    const answer = await dns.query(name, type);
    const latencyMs = performance.now() - started;
    if (answer.rcode !== 'NOERROR' || !answer.answers.some((record) => record.type === type.toUpperCase())) {
      return answerProblem(
        'unexpected-answer',
        answer,
        latencyMs,
        `resolver ${answer.server} has no ${type} for ${display(name)} (${answer.rcode}); it cannot resolve`,
      );
    }
    return { ok: true, latencyMs, answer, validated: answer.flags.ad };
  } catch (error) {
    return unreachable(error, performance.now() - started, name, type);
  }
}

/**
 * Asks for a signed name with DO and checks the answer carries RRSIG for it. Default: the root DNSKEY RRset.
 */
export async function checkDnssecSupport(dns: DnsClient, options: ProbeOptions = {}): Promise<ResolverHealth> {
  const name = options.name ?? '';
  const type = (options.type ?? 'DNSKEY').toUpperCase();
  const started = performance.now();
  let answer: DnsAnswer;
  try {
    answer = await dns.query(name, type, { dnssec: true });
  } catch (error) {
    return unreachable(error, performance.now() - started, name, type);
  }
  const latencyMs = performance.now() - started;
  const owned = answer.answers.filter((record) => sameName(record.name, name));
  const data = owned.filter((record) => record.type === type);
  if (data.length === 0) {
    return answerProblem(
      'unexpected-answer',
      answer,
      latencyMs,
      `resolver ${answer.server} returned no ${type} for ${display(name)} (${answer.rcode}); ` +
        'cannot tell whether it passes DNSSEC data through',
    );
  }
  const signed = owned.some(
    (record) => record.type === 'RRSIG' && (record.data as { typeCovered?: string } | undefined)?.typeCovered === type,
  );
  if (!signed) {
    return answerProblem(
      'dnssec-stripped',
      answer,
      latencyMs,
      `resolver ${answer.server} strips DNSSEC data: it returned ${type} for ${display(name)} without RRSIG ` +
        `although DO was set${answer.dnssecOk ? '' : ' (and its answer did not echo DO)'}. DNSSEC and DANE ` +
        'cannot be checked through it; use a DNSSEC-aware resolver (--resolver IP[:PORT]).',
    );
  }
  return { ok: true, latencyMs, answer, validated: answer.flags.ad };
}

/**
 * `checkDnssecSupport` against every server separately (each through its own uncached client), so one bad
 * resolver in the list is named. Results are in the order of `servers`.
 */
export async function checkDnssecSupportOfEach(
  servers: readonly DnsServer[],
  options: ProbeOptions & Pick<ResolverOptions, 'timeoutMs' | 'retries'> = {},
): Promise<ResolverHealth[]> {
  return Promise.all(
    servers.map(async (server) => {
      const client = createResolver({
        servers: [server],
        cache: false,
        timeoutMs: options.timeoutMs,
        retries: options.retries,
        socketsPerFamily: 1,
      });
      try {
        const health = await checkDnssecSupport(client, options);
        if (health.problem && health.problem.server === undefined) health.problem.server = formatServer(server);
        return health;
      } finally {
        client.close();
      }
    }),
  );
}

/** The resolver answered, and the answer shows the problem. */
function answerProblem(
  kind: ResolverProblemKind,
  answer: DnsAnswer,
  latencyMs: number,
  message: string,
): ResolverHealth {
  return { ok: false, latencyMs, answer, problem: { kind, server: answer.server, message } };
}

function unreachable(error: unknown, latencyMs: number, name: string, type: string): ResolverHealth {
  if (!(error instanceof DnsError)) throw error;
  return {
    ok: false,
    latencyMs,
    problem: {
      kind: 'unreachable',
      server: error.server,
      message: `${type} query for ${display(name)}${error.server ? ` to ${error.server}` : ''} failed: ${error.message}`,
      error,
    },
  };
}

function display(name: string): string {
  return name === '' ? 'the root (.)' : name;
}
