import type { Finding } from '../model.ts';

/** Findings of one report, looked up by check id and subject. */
export class FindingIndex {
  readonly #byCheck = new Map<string, Finding[]>();

  constructor(findings: readonly Finding[]) {
    for (const f of findings) this.#byCheck.set(f.check, [...(this.#byCheck.get(f.check) ?? []), f]);
  }

  all(check: string): Finding[] {
    return this.#byCheck.get(check) ?? [];
  }

  one(check: string, subject?: string): Finding | undefined {
    return this.all(check).find((f) => subject === undefined || f.subject === subject);
  }

  /** Whether any of these checks could not be determined (status error). */
  undetermined(...checks: string[]): Finding | undefined {
    return checks.flatMap((c) => this.all(c)).find((f) => f.status === 'error');
  }
}

export const evidenceOf = <T>(finding: Finding | undefined): Partial<T> => (finding?.evidence ?? {}) as Partial<T>;
