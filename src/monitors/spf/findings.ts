/** Turns a fetched SPF record and its lookup tree into spf.record, spf.policy and spf.lookups findings. */
import { say, sayPart } from '../../i18n/say.ts';
import type { Part } from '../../i18n/types.ts';
import type { Finding } from '../../model.ts';
import { costPerTerm, effectiveAll, MAX_COUNT, type SpfFetch, type SpfTree } from './lookup-tree.ts';

export function recordFinding(domain: string, fetched: SpfFetch): Finding {
  const base = { check: 'spf.record', subject: domain };
  switch (fetched.status) {
    case 'none':
      return {
        ...base,
        status: 'fail',
        ...say('spf.record', 'missing', { domain, nxdomain: fetched.rcode === 'NXDOMAIN' }),
        evidence: { rcode: fetched.rcode },
      };
    case 'multiple':
      return {
        ...base,
        status: 'fail',
        ...say('spf.record', 'multiple', { domain, records: fetched.records.length }),
        evidence: { records: fetched.records },
      };
    case 'syntax':
      return {
        ...base,
        status: 'fail',
        ...say('spf.record', 'syntax', {
          domain,
          position: fetched.error.position + 1,
          message: fetched.error.message,
          term: fetched.error.term,
        }),
        evidence: { record: fetched.text, position: fetched.error.position + 1, term: fetched.error.term },
      };
    case 'ok':
      return {
        ...base,
        status: 'ok',
        ...say('spf.record', 'ok', { domain }),
        evidence: { record: fetched.record.text, strings: fetched.strings },
      };
  }
}

/** spf.policy and spf.lookups when there is no single valid record: nothing to evaluate. */
export function unusableFindings(domain: string, fetched: SpfFetch): Finding[] {
  const why = fetched.status === 'none' ? 'none' : fetched.status === 'multiple' ? 'multiple' : 'syntax';
  const reason = { none: 'no SPF record', multiple: 'several SPF records', syntax: 'a syntax error' }[why];
  return [
    {
      check: 'spf.policy',
      subject: domain,
      status: 'fail',
      ...say('spf.policy', 'unusable', { domain, why }),
      evidence: { effectiveAll: null, reason },
    },
    {
      check: 'spf.lookups',
      subject: domain,
      status: 'info',
      ...say('spf.lookups', 'not-counted', { domain, why }),
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
      ...say('spf.policy', 'broken-redirect', { domain }),
    };
  }
  if (qualifier === undefined || qualifier === '+' || qualifier === '?') {
    return {
      ...base,
      status: 'fail',
      evidence,
      ...say('spf.policy', 'weak-all', { domain, qualifier: qualifier ?? null }),
    };
  }
  if (tree.passAllIncludes.length > 0) {
    const first = tree.passAllIncludes[0]!;
    return {
      ...base,
      status: 'fail',
      evidence,
      ...say('spf.policy', 'pass-all-include', {
        domain,
        target: first.target,
        term: first.term,
        includer: first.domain,
      }),
    };
  }
  if (tree.ptrTerms.length > 0) {
    return {
      ...base,
      status: 'warn',
      evidence,
      ...say('spf.policy', 'ptr', { domain, terms: tree.ptrTerms.map((p) => p.term) }),
    };
  }
  if (qualifier === '~') {
    return {
      ...base,
      status: 'info',
      evidence,
      ...say('spf.policy', 'softfail', { domain }),
    };
  }
  return { ...base, status: 'ok', evidence, ...say('spf.policy', 'ok', { domain }) };
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
  const failures: Part[] = [];
  const fixes: Part[] = [];
  if (tree.budgetExhausted) {
    Object.assign(evidence, { queries: tree.queries, budget: tree.budgetExhausted, lookupsAtLeast: true });
    failures.push(
      sayPart('spf.lookups', 'walk-budget', {
        budget: tree.budgetExhausted.max,
        lookups: tree.totalLookups,
        saturatedAt: MAX_COUNT,
      }),
    );
    fixes.push(sayPart('spf.lookups', 'fix-flatten', {}));
  } else if (tree.totalLookups > 10) {
    const costly = [...perTerm].sort((a, b) => b.lookups - a.lookups).slice(0, 3);
    failures.push(
      sayPart('spf.lookups', 'too-many-lookups', {
        lookups: tree.totalLookups,
        costliest: costly.map((c) => `${c.term} = ${c.lookups}`),
        saturatedAt: MAX_COUNT,
      }),
    );
    fixes.push(sayPart('spf.lookups', 'fix-too-many-lookups', {}));
  }
  if (tree.voidLookups > 2) {
    const voids = tree.problems.filter((p) => p.kind === 'void').map((p) => p.term);
    failures.push(
      sayPart('spf.lookups', 'too-many-voids', { voids: tree.voidLookups, terms: voids, saturatedAt: MAX_COUNT }),
    );
  }
  const broken = tree.problems.filter((p) => p.kind !== 'macro' && p.kind !== 'void');
  for (const problem of broken)
    failures.push(
      sayPart('spf.lookups', 'broken-term', { term: problem.term, domain: problem.domain, detail: problem.detail }),
    );
  if (tree.voidLookups > 2 || broken.length > 0) {
    fixes.push(sayPart('spf.lookups', 'fix-broken-terms', {}));
  }
  if (failures.length > 0) {
    return {
      ...base,
      status: 'fail',
      ...say('spf.lookups', 'permerror', { domain, failures, fixes }),
    };
  }
  const notes = tree.problems.map((p) => `${p.term}: ${p.detail}`);
  return {
    ...base,
    status: 'ok',
    ...say('spf.lookups', 'ok', { domain, lookups: tree.totalLookups, voids: tree.voidLookups, notes }),
  };
}
