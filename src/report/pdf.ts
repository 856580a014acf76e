import { spawn } from 'node:child_process';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const PRINT_TIMEOUT_MS = 120_000;

/** Chromium's path: `MAILWARDEN_CHROMIUM`, else Debian's `/usr/bin/chromium`, else the first `chromium` on PATH. */
export async function findChromium(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const candidates = [
    env.MAILWARDEN_CHROMIUM,
    '/usr/bin/chromium',
    ...(env.PATH ?? '').split(':').map((dir) => join(dir, 'chromium')),
  ].filter((path): path is string => path !== undefined && path !== '');
  for (const candidate of candidates) {
    try {
      await access(candidate);
      return candidate;
    } catch {}
  }
  throw new Error(
    'PDF reports are printed by headless Chromium, which was not found: install it (Debian: apt-get install chromium) ' +
      'or set MAILWARDEN_CHROMIUM to its path; csv, json and html need nothing',
  );
}

/**
 * Prints a self-contained HTML page to PDF with headless Chromium (`--print-to-pdf`): the printed report is exactly
 * the HTML report, with no second layout to keep in step. A fresh profile, no network.
 */
export async function htmlToPdf(htmlText: string, chromium?: string): Promise<Buffer> {
  const executable = chromium ?? (await findChromium());
  const dir = await mkdtemp(join(tmpdir(), 'mailwarden-pdf-'));
  try {
    const input = join(dir, 'report.html');
    const output = join(dir, 'report.pdf');
    await writeFile(input, htmlText);
    const args = [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-extensions',
      `--user-data-dir=${join(dir, 'profile')}`,
      '--no-pdf-header-footer',
      `--print-to-pdf=${output}`,
      pathToFileURL(input).href,
    ];
    const stderr: Buffer[] = [];
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(executable, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr.on('data', (chunk: Buffer) => {
        if (stderr.length < 64) stderr.push(chunk);
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), PRINT_TIMEOUT_MS);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`cannot run Chromium (${executable}) to print the PDF: ${error.message}`));
      });
      child.once('exit', (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    const pdf = await readFile(output).catch(() => undefined);
    if (code !== 0 || !pdf || pdf.subarray(0, 5).toString() !== '%PDF-') {
      const detail = Buffer.concat(stderr).toString('utf8').trim().split('\n').slice(-3).join(' / ');
      throw new Error(`Chromium (${executable}) could not print the PDF (exit ${code}): ${detail}`);
    }
    return pdf;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
