import type { Writable } from 'node:stream';
import type { DomainReport } from '../model.ts';
import { mailScore } from '../score/index.ts';

/**
 * Writes `{"reports":[…], "resolver"?: …}` one report at a time, byte for byte what
 * `JSON.stringify({ reports, resolver }, null, 2)` gives, so memory does not grow with the number of domains.
 */
export class JsonReportStream {
  readonly #out: Writable;
  #count = 0;

  constructor(out: Writable) {
    this.#out = out;
  }

  /** One report, already serialised with `reportJson` (workers serialise their own reports, as UTF-8 bytes). */
  async write(reportJson: string | Uint8Array): Promise<void> {
    const head = this.#count === 0 ? '{\n  "reports": [\n    ' : ',\n    ';
    this.#count++;
    // two writes: joined, the report's tens of KB would be copied once more into a flat string first
    this.#out.write(head);
    await this.#send(reportJson);
  }

  async end(resolver?: { problem: string; message: string }): Promise<void> {
    let tail = this.#count === 0 ? '{\n  "reports": []' : '\n  ]';
    if (resolver) tail += `,\n  "resolver": ${JSON.stringify(resolver, null, 2).replaceAll('\n', '\n  ')}`;
    await this.#send(`${tail}\n}\n`);
  }

  #send(text: string | Uint8Array): Promise<void> {
    if (this.#out.write(text) !== false) return Promise.resolve();
    return new Promise((resolve) => this.#out.once('drain', resolve));
  }
}

/**
 * A report (with its Internet.nl-comparable `score`) as it sits inside the `reports` array of the pretty-printed document (nested two levels deep): cut out
 * of the document of that one report, so the indentation comes from one JSON.stringify and is never re-done.
 */
export function reportJson(report: DomainReport): string {
  const document = JSON.stringify({ reports: [{ ...report, score: mailScore(report) }] }, null, 2);
  return document.slice(DOCUMENT_HEAD.length, document.length - DOCUMENT_TAIL.length);
}

const DOCUMENT_HEAD = '{\n  "reports": [\n    ';
const DOCUMENT_TAIL = '\n  ]\n}';
