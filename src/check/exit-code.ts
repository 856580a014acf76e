import type { DomainReport } from '../model.ts';

/** What the Nagios exit code needs of the reports, gathered one report at a time (model.ts nagiosExitCode, streamed). */
export class ExitCodeTally {
  #fail = false;
  #warn = false;
  #error = false;
  #reports = 0;

  add(report: Pick<DomainReport, 'findings'>): void {
    this.#reports++;
    for (const finding of report.findings) {
      if (finding.status === 'fail') this.#fail = true;
      else if (finding.status === 'warn') this.#warn = true;
      else if (finding.status === 'error') this.#error = true;
    }
  }

  /** Merges a tally summarised elsewhere (a worker's). */
  merge(summary: TallySummary): void {
    this.#fail ||= summary.fail;
    this.#warn ||= summary.warn;
    this.#error ||= summary.error;
    this.#reports += summary.reports;
  }

  summary(): TallySummary {
    return { fail: this.#fail, warn: this.#warn, error: this.#error, reports: this.#reports };
  }

  code(): 0 | 1 | 2 | 3 {
    if (this.#fail) return 2;
    if (this.#warn) return 1;
    if (this.#error || this.#reports === 0) return 3;
    return 0;
  }
}

export interface TallySummary {
  fail: boolean;
  warn: boolean;
  error: boolean;
  reports: number;
}
