import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { JsonReportStream, reportJson } from '../../src/check/json-stream.ts';
import type { DomainReport } from '../../src/model.ts';
import { mailScore } from '../../src/score/index.ts';

/** What --json prints per report: the report and its Internet.nl-comparable score. */
const scored = (reports: DomainReport[]) => reports.map((r) => ({ ...r, score: mailScore(r) }));

const report = (domain: string): DomainReport => ({
  domain,
  checkedAt: '2026-11-29T12:00:00.000Z',
  findings: [
    {
      check: 'spf.record',
      subject: domain,
      status: 'warn',
      summary: 'a "quoted" line\nwith a break and <!channel>',
      evidence: { records: ['v=spf1 -all'], nested: { empty: [], also: {} } },
    },
  ],
});

async function streamed(reports: DomainReport[], resolver?: { problem: string; message: string }, bytes = false) {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const stream = new JsonReportStream(out);
  for (const r of reports) await stream.write(bytes ? new TextEncoder().encode(reportJson(r)) : reportJson(r));
  await stream.end(resolver);
  return Buffer.concat(chunks).toString('utf8');
}

describe('--json streamed one report at a time', () => {
  it('is byte for byte the pretty document the whole-array JSON.stringify gave', async () => {
    const reports = [report('a.example'), report('b.example'), report('c.example')];
    expect(await streamed(reports)).toBe(`${JSON.stringify({ reports: scored(reports) }, null, 2)}\n`);
    expect(await streamed(reports, undefined, true)).toBe(`${JSON.stringify({ reports: scored(reports) }, null, 2)}\n`);
  });

  it('keeps the top-level resolver problem and the empty list in the same shape', async () => {
    const resolver = { problem: 'strips-dnssec', message: 'the resolver strips RRSIGs' };
    const reports = [report('a.example')];
    expect(await streamed(reports, resolver)).toBe(
      `${JSON.stringify({ reports: scored(reports), resolver }, null, 2)}\n`,
    );
    expect(await streamed([])).toBe(`${JSON.stringify({ reports: [] }, null, 2)}\n`);
  });

  it('waits for a slow reader instead of buffering every report', async () => {
    let pendingCallbacks: (() => void)[] = [];
    const slow = new Writable({
      highWaterMark: 16,
      write(_chunk, _encoding, done) {
        pendingCallbacks.push(done);
      },
    });
    const stream = new JsonReportStream(slow);
    let written = false;
    const write = stream.write(reportJson(report('a.example'))).then(() => {
      written = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(written).toBe(false);
    for (const done of pendingCallbacks) done();
    pendingCallbacks = [];
    await write;
    expect(written).toBe(true);
  });
});
