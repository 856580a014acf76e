import { styleText } from 'node:util';
import { render } from '../i18n/render.ts';
import type { Language } from '../i18n/types.ts';
import { UI } from '../i18n/ui.ts';
import type { DomainReport, Finding, Status } from '../model.ts';
import { worstStatus } from '../model.ts';
import { wrap } from './wrap.ts';

const LABEL: Record<Status, string> = { ok: 'OK', info: 'INFO', warn: 'WARN', fail: 'FAIL', error: 'ERROR' };
const COLOUR: Record<Status, Parameters<typeof styleText>[0]> = {
  ok: 'green',
  info: 'cyan',
  warn: 'yellow',
  fail: ['red', 'bold'],
  error: 'magenta',
};
/** The order counts are given in: what needs attention first. */
const COUNT_ORDER: Status[] = ['fail', 'warn', 'error', 'info', 'ok'];
const RANK: Record<Status, number> = { ok: 0, info: 1, warn: 2, fail: 3, error: 4 };

export interface TableOptions {
  /** Show the fix under each non-ok finding (default true). */
  fixes?: boolean;
  language?: Language;
  /** ANSI colours (only on a terminal that wants them: see wantsColour). */
  colour?: boolean;
  /** Columns to fit (default 100). */
  width?: number;
  /** Hide findings below this status; `error` (could not determine) is always shown. */
  minStatus?: Exclude<Status, 'error'>;
  /** A line under each domain's headline (the mail score), already in `language`. */
  scoreLine?: (report: DomainReport) => string;
}

/** Colour only for a terminal, and never when NO_COLOR is set (no-color.org); FORCE_COLOR forces it. */
export function wantsColour(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/**
 * Text from DNS and remote servers is hostile: no terminal escapes, no line breaks, no invisible or bidirectional
 * controls that make a line read differently from what it holds ("Trojan Source"), bounded length.
 */
export function terminalSafe(text: string, max = 300): string {
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g, (c) =>
    c === '\t' ? ' ' : '·',
  );
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/**
 * The domain's headline, read like its exit code: a fail or warn first; otherwise findings that could not be
 * determined make it ERROR (an all-ok headline over unchecked findings would say more than we know).
 */
function headline(findings: readonly Finding[]): Status | 'mixed' {
  const worst = worstStatus(findings.map((f) => f.status));
  const errors = findings.filter((f) => f.status === 'error').length;
  if (errors === 0 || worst === 'error') return worst;
  if (worst === 'fail' || worst === 'warn') return 'mixed';
  return 'error';
}

function headlineText(findings: readonly Finding[]): string {
  const head = headline(findings);
  if (head !== 'mixed') return LABEL[head];
  const errors = findings.filter((f) => f.status === 'error').length;
  return `${LABEL[worstStatus(findings.map((f) => f.status))]}, ${errors} ERROR`;
}

/** `21 fail, 8 warn, 2 error, 3 info, 40 ok`: the non-zero counts, the ones that need attention first. */
export function statusCounts(statuses: readonly Status[]): string {
  const counts = COUNT_ORDER.map((status) => [status, statuses.filter((s) => s === status).length] as const);
  return counts
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

const shown = (finding: Finding, minStatus: TableOptions['minStatus']) =>
  minStatus === undefined || finding.status === 'error' || RANK[finding.status] >= RANK[minStatus];

/**
 * A readable table per domain, within `width` columns: a headline with the counts per status, then per finding its
 * status, check and subject (when it is not the domain itself), and under it the summary and the fix, word-wrapped.
 */
export function formatReportsAsTable(reports: readonly DomainReport[], options: TableOptions = {}): string {
  const showFixes = options.fixes ?? true;
  const language = options.language ?? 'en';
  const width = options.width ?? 100;
  const words = UI[language];
  const paint = (style: Parameters<typeof styleText>[0], text: string) =>
    options.colour ? styleText(style, text, { validateStream: false }) : text;
  const blocks = reports.map((report) => {
    const findings = report.findings.filter((f) => shown(f, options.minStatus));
    const hidden = report.findings.length - findings.length;
    const statusWidth = 5;
    const checkWidth = Math.max(12, ...findings.map((f) => f.check.length));
    const indent = 2 + statusWidth + 2 + checkWidth + 2;
    const textWidth = width - indent;
    const head = headline(report.findings);
    const counts = statusCounts(report.findings.map((f) => f.status));
    const lines = [
      `${paint('bold', terminalSafe(report.domain, 255))}  ${paint(COLOUR[head === 'mixed' ? 'error' : head], `[${headlineText(report.findings)}]`)}  ${counts}${hidden > 0 ? `; ${words.hidden(hidden)}` : ''}`,
    ];
    if (options.scoreLine)
      lines.push(...wrap(terminalSafe(options.scoreLine(report), 600), width - 2).map((l) => `  ${l}`));
    for (const finding of findings) {
      const texts = render(finding, language);
      const label = paint(COLOUR[finding.status], pad(LABEL[finding.status], statusWidth));
      const lead = `  ${label}  ${pad(finding.check, checkWidth)}  `;
      const body: string[] = [];
      if (finding.subject !== report.domain) body.push(paint('dim', terminalSafe(finding.subject, 255)));
      body.push(...wrap(terminalSafe(texts.summary), textWidth));
      if (showFixes && texts.fix && finding.status !== 'ok') {
        body.push(
          ...wrap(`${words.fix} ${terminalSafe(texts.fix, 600)}`, textWidth).map((line) => paint('italic', line)),
        );
      }
      body.forEach((line, index) => {
        lines.push(`${index === 0 ? lead : ' '.repeat(indent)}${line}`);
      });
    }
    if (report.findings.length === 0) lines.push(`  ${words.noFindings}`);
    return lines.join('\n');
  });
  return `${blocks.join('\n\n')}\n`;
}

/** The line under many domains: `50 domains: 12 FAIL, 8 WARN, 30 OK; findings: 21 fail, 8 warn, …`. */
export function formatTotals(reports: readonly DomainReport[], language: Language = 'en'): string {
  const words = UI[language];
  const perDomain = COUNT_ORDER.map(
    (status) => [status, reports.filter((r) => headlineOf(r) === status).length] as const,
  )
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${LABEL[status]}`)
    .join(', ');
  const findings = statusCounts(reports.flatMap((r) => r.findings.map((f) => f.status)));
  return `${words.domains(reports.length)}: ${perDomain}; ${words.findings}: ${findings || '0'}\n`;
}

/** A domain's headline status as its exit code reads it (fail and warn before error). */
function headlineOf(report: DomainReport): Status {
  const head = headline(report.findings);
  return head === 'mixed' ? worstStatus(report.findings.map((f) => f.status)) : head;
}
