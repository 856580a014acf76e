import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { exportReport, parsePeriod } from '../report/export.ts';
import { REPORT_FORMATS, type ReportFormat } from '../report/render-report.ts';
import { CONFIG_OPTIONS, loadConfigOrReport } from './load-config.ts';
import { withConfiguredStore } from './open-store.ts';

const HELP = `usage: mailwarden report --from DATE --to DATE [--tag TAG] [--format csv|json|html|pdf] [--output FILE]
                        [--config FILE]

A compliance report for a period [from, to) (ISO 8601 dates or times, UTC; a bare date is midnight), for every
domain or the domains with one tag: per domain and standard the time in compliance, the changes and the open
issues. html and pdf put a summary first, then one section per domain; csv is one row per domain and standard.
pdf is printed by headless Chromium (MAILWARDEN_CHROMIUM, else /usr/bin/chromium).

  --format FORMAT   csv, json, html or pdf (default: html)
  --output FILE     write to FILE (default: standard output; pdf needs --output)

The dashboard (/reports) serves the same reports while the daemon runs.
`;

export async function reportCommand(argv: string[]): Promise<number> {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (error) {
    process.stderr.write(`mailwarden report: ${error instanceof Error ? error.message : String(error)}\n\n${HELP}`);
    return 3;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const format = values.format as ReportFormat;
  if (!(REPORT_FORMATS as readonly string[]).includes(format)) {
    process.stderr.write(`mailwarden report: --format must be one of ${REPORT_FORMATS.join(', ')}\n`);
    return 3;
  }
  if (format === 'pdf' && values.output === undefined) {
    process.stderr.write('mailwarden report: a PDF goes to a file: add --output report.pdf\n');
    return 3;
  }
  const period = parsePeriod(values.from, values.to, values.tag);
  if (typeof period === 'string') {
    process.stderr.write(`mailwarden report: ${period}\n`);
    return 3;
  }
  const config = loadConfigOrReport(values.config);
  if (!config) return 3;
  return withConfiguredStore(config, async (store) => {
    const file = await exportReport(store, period, format);
    if (values.output === undefined) process.stdout.write(file.body);
    else {
      await writeFile(values.output, file.body);
      process.stderr.write(`mailwarden report: wrote ${values.output}\n`);
    }
    return 0;
  });
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      ...CONFIG_OPTIONS,
      from: { type: 'string' },
      to: { type: 'string' },
      tag: { type: 'string' },
      format: { type: 'string', default: 'html' },
      output: { type: 'string', short: 'o' },
    },
  });
}
