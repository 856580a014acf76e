/** Turns a fetched SPF record and its lookup tree into spf.record, spf.policy and spf.lookups findings. */
import type { Finding } from '../../model.ts';
import { costPerTerm, effectiveAll, MAX_COUNT, type SpfFetch, type SpfTree } from './lookup-tree.ts';

const EXAMPLE = 'v=spf1 include:<your mail provider> -all';

export function recordFinding(domain: string, fetched: SpfFetch): Finding {
  const base = { check: 'spf.record', subject: domain };
  switch (fetched.status) {
    case 'none':
      return {
        ...base,
        status: 'fail',
        summary: `${domain} publishes no SPF record${fetched.rcode === 'NXDOMAIN' ? ' (the name does not exist)' : ''}`,
        evidence: { rcode: fetched.rcode },
        fix: `Publish one TXT record at ${domain} such as "${EXAMPLE}" listing every server that sends for it; a domain that sends no mail publishes "v=spf1 -all". Without SPF, anyone can use ${domain} as envelope sender.`,
      };
    case 'multiple':
      return {
        ...base,
        status: 'fail',
        summary: `${domain} has ${fetched.records.length} SPF records; receivers treat that as a permanent error (RFC 7208 4.5)`,
        evidence: { records: fetched.records },
        fix: 'Merge them into one v=spf1 TXT record (combine the mechanisms, keep one all at the end) and delete the others.',
      };
    case 'syntax':
      return {
        ...base,
        status: 'fail',
        summary: `SPF record of ${domain} has a syntax error at character ${fetched.error.position + 1}: ${fetched.error.message}`,
        evidence: { record: fetched.text, position: fetched.error.position + 1, term: fetched.error.term },
        fix: `Correct the term near "${fetched.error.term}"; receivers return permerror for the whole record, so SPF does not protect ${domain} until it parses (RFC 7208 section 12 has the grammar).`,
      };
    case 'ok':
      return {
        ...base,
        status: 'ok',
        summary: `${domain} publishes one valid SPF record`,
        evidence: { record: fetched.record.text, strings: fetched.strings },
      };
  }
}

/** spf.policy and spf.lookups when there is no single valid record: nothing to evaluate. */
export function unusableFindings(domain: string, fetched: SpfFetch): Finding[] {
  const reason =
    fetched.status === 'none'
      ? 'no SPF record'
      : fetched.status === 'multiple'
        ? 'several SPF records'
        : 'a syntax error';
  return [
    {
      check: 'spf.policy',
      subject: domain,
      status: 'fail',
      summary: `${domain} has no effective SPF policy (${reason}): receivers get none/permerror`,
      evidence: { effectiveAll: null, reason },
      fix: 'Fix spf.record first; then end the record with -all.',
    },
    {
      check: 'spf.lookups',
      subject: domain,
      status: 'info',
      summary: `DNS lookups not counted: ${domain} has ${reason}`,
      evidence: { reason },
    },
  ];
}

export function policyFinding(domain: string, tree: SpfTree): Finding {
  const { qualifier, via } = effectiveAll(tree.root);
  const base = { check: 'spf.policy', subject: domain };
  const evidence = {
    record: tree.root.record,
    effectiveAll: qualifier === undefined ? null : `${qualifier === '+' ? '+' : qualifier}all`,
    via,
    ptrTerms: tree.ptrTerms,
    passAllIncludes: tree.passAllIncludes,
  };
  const brokenRedirect = tree.root.redirects && !tree.root.children.some((c) => c.kind === 'redirect');
  if (brokenRedirect) {
    return {
      ...base,
      status: 'fail',
      evidence,
      summary: `SPF of ${domain} redirects to a record that cannot be used: receivers get permerror`,
      fix: 'Point redirect= at a domain with exactly one valid SPF record, or replace it with include:... -all.',
    };
  }
  if (qualifier === undefined || qualifier === '+' || qualifier === '?') {
    const what =
      qualifier === undefined ? 'ends without an all mechanism (default neutral)' : `ends in ${qualifier}all`;
    const effect =
      qualifier === '+'
        ? 'every host on the Internet passes SPF'
        : 'unlisted hosts get neutral, which protects nothing';
    return {
      ...base,
      status: 'fail',
      evidence,
      summary: `SPF of ${domain} ${what}: ${effect}`,
      fix: `End the record with -all (or ~all while you are still finding your senders), e.g. "${EXAMPLE}".`,
    };
  }
  if (tree.passAllIncludes.length > 0) {
    const first = tree.passAllIncludes[0]!;
    return {
      ...base,
      status: 'fail',
      evidence,
      summary: `SPF of ${domain} includes ${first.target}, whose record ends in +all: every host on the Internet passes`,
      fix: `Remove "${first.term}" (in the record of ${first.domain}) or get its owner to end it with -all.`,
    };
  }
  if (tree.ptrTerms.length > 0) {
    return {
      ...base,
      status: 'warn',
      evidence,
      summary: `SPF of ${domain} uses the deprecated ptr mechanism (${tree.ptrTerms.map((p) => p.term).join(', ')})`,
      fix: 'Replace ptr with ip4:/ip6: or a: terms for the sending hosts: ptr is slow, unreliable and RFC 7208 says it should not be published; many receivers ignore it.',
    };
  }
  if (qualifier === '~') {
    return {
      ...base,
      status: 'info',
      evidence,
      summary: `SPF of ${domain} ends in ~all (softfail): acceptable, -all is stronger`,
      fix: 'When every sender is listed, change ~all to -all: with ~all receivers only mark unlisted senders as suspicious, with -all they may reject them outright (DMARC relies on either).',
    };
  }
  return { ...base, status: 'ok', evidence, summary: `SPF of ${domain} ends in -all: unlisted hosts fail` };
}

export function lookupsFinding(domain: string, tree: SpfTree): Finding {
  const perTerm = costPerTerm(tree.root);
  const evidence = {
    lookups: tree.totalLookups,
    limit: 10,
    voidLookups: tree.voidLookups,
    voidLimit: 2,
    perTerm,
    problems: tree.problems,
  };
  const base = { check: 'spf.lookups', subject: domain, evidence };
  const failures: string[] = [];
  const fixes: string[] = [];
  if (tree.budgetExhausted) {
    Object.assign(evidence, { queries: tree.queries, budget: tree.budgetExhausted, lookupsAtLeast: true });
    failures.push(
      `the include tree needs more than ${tree.budgetExhausted.max} DNS queries to walk (mailwarden's limit per SPF walk; walking stopped there), so receivers would meet ${tree.totalLookups >= MAX_COUNT ? count(tree.totalLookups) : `at least ${tree.totalLookups}`} lookups where they allow 10`,
    );
    fixes.push(
      'Flatten the SPF record: a few includes of your real senders, ip4:/ip6: for your own servers, and no include trees that fan out.',
    );
  } else if (tree.totalLookups > 10) {
    const costly = [...perTerm].sort((a, b) => b.lookups - a.lookups).slice(0, 3);
    failures.push(
      `${count(tree.totalLookups)} DNS-querying terms (limit 10; costliest: ${costly.map((c) => `${c.term} = ${c.lookups}`).join(', ')})`,
    );
    fixes.push(
      'Cut DNS lookups below 11: drop includes of services you no longer use, replace a/mx with ip4:/ip6:, or move a service to a subdomain with its own SPF.',
    );
  }
  if (tree.voidLookups > 2) {
    const voids = tree.problems.filter((p) => p.kind === 'void').map((p) => p.term);
    failures.push(
      `${count(tree.voidLookups)} void lookups (limit 2)${voids.length > 0 ? `: ${voids.join(', ')}` : ''}`,
    );
  }
  const broken = tree.problems.filter((p) => p.kind !== 'macro' && p.kind !== 'void');
  for (const problem of broken) failures.push(`${problem.term} in ${problem.domain}: ${problem.detail}`);
  if (tree.voidLookups > 2 || broken.length > 0) {
    fixes.push(
      'Remove terms that point at names without records, include loops and includes of domains without exactly one valid SPF record; receivers return permerror for them.',
    );
  }
  if (failures.length > 0) {
    return {
      ...base,
      status: 'fail',
      summary: `SPF of ${domain} gives permerror at receivers: ${failures.join('; ')}`,
      fix: fixes.join(' '),
    };
  }
  const notes = tree.problems.map((p) => `${p.term}: ${p.detail}`);
  return {
    ...base,
    status: 'ok',
    summary: `SPF of ${domain} needs ${tree.totalLookups} of 10 DNS lookups, ${tree.voidLookups} void${notes.length ? ` (${notes.join('; ')})` : ''}`,
  };
}

/** A count that may have saturated in a diamond-shaped tree. */
function count(value: number): string {
  return value >= MAX_COUNT ? `more than ${MAX_COUNT.toLocaleString('en')}` : String(value);
}
