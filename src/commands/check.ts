import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { CheckSetup } from '../check/check-setup.ts';
import { JsonReportStream, reportJson } from '../check/json-stream.ts';
import { defaultWorkers, runChecks } from '../check/run-checks.ts';
import { parseDomainName } from '../config/domain-name.ts';
import { parseTrustAnchors } from '../dns/dnssec/trust-anchors.ts';
import { createResolver, parseServerAddress } from '../dns/resolver.ts';
import { checkDnssecSupport, type ResolverProblem } from '../dns/resolver-health.ts';
import type { DnsClient, QueryStats } from '../dns/types.ts';
import { chooseLanguage } from '../i18n/language.ts';
import type { DomainReport } from '../model.ts';
import { MONITORS } from '../monitors/registry.ts';
import { type CheckOptions, DEFAULT_CHECK_OPTIONS } from '../monitors/types.ts';
import { formatReportsAsTable, formatTotals, type TableOptions, wantsColour } from '../report/table.ts';
import { formatScoreLine } from '../score/format.ts';
import { mailScore } from '../score/index.ts';
import { DEFAULT_TRANSPORT_OPTIONS, type TransportOptions } from '../smtp/settings.ts';

const HELP = `usage: mailwarden check <domain...> [options]

  --resolver IP[:PORT]      resolver to use (repeatable; default: the system's)
  --trust-anchor FILE       DS/DNSKEY trust anchors in zone-file form (default: the IANA root KSKs)
  --ca-file FILE            extra CA certificates (PEM) for SMTP and MTA-STS certificate validation
  --dkim-selectors a,b      DKIM selectors to check (default: a short list of common ones)
  --sender-ip IP            an outbound relay that must pass SPF (repeatable)
  --ehlo-name NAME          name sent in SMTP EHLO (default ${DEFAULT_CHECK_OPTIONS.ehloName})
  --allow-private-targets   allow probes of loopback/private addresses learned from DNS
  --checks mx,spf,...       run only these monitors
  --domains-file FILE       read more domains from a file, one per line (# comments)
  --concurrency N           domains checked at once (default 32)
  --timeout MS              timeout of one network operation (default ${DEFAULT_CHECK_OPTIONS.timeoutMs})
  --banner-timeout MS       wait this long for an SMTP greeting (default ${DEFAULT_TRANSPORT_OPTIONS.bannerTimeoutMs})
  --retry-delay MS          pause before the one retry of a failed SMTP probe (default ${DEFAULT_TRANSPORT_OPTIONS.retryDelayMs})
  --rpki-vrps FILE|URL      RPKI validator's VRP export (rpki-client/Routinator JSON) for origin validation
  --rpki-origins FILE|dns:Z IP-to-origin-AS: "prefix AS" lines, or dns:<zone4>[,<zone6>] (Team Cymru format)
  --lang en|nl              language of the table (default: from LC_ALL, LC_MESSAGES or LANG, else en)
  --min-status LEVEL        show only findings at LEVEL or worse: ok, info, warn, fail (errors are always shown)
  --workers N               threads checking at once (default: one per core but one, 1 for short lists)
  --json                    print {"reports":[…]} instead of tables (texts in English, with reason and params)
  --stats                   print DNS query statistics to stderr

The table fits 100 columns (fewer on a narrower terminal) and is coloured on a terminal unless NO_COLOR is set.

exit code (Nagios): 0 all ok/info, 1 any warn, 2 any fail, 3 could not check
`;

const MIN_STATUSES = ['ok', 'info', 'warn', 'fail'] as const;

function minStatusFlag(value: string | undefined): TableOptions['minStatus'] {
  if (value === undefined) return undefined;
  const status = MIN_STATUSES.find((s) => s === value.toLowerCase());
  if (!status) throw new UsageError(`--min-status expects one of ${MIN_STATUSES.join(', ')}, got "${value}"`);
  return status;
}

function languageFlag(value: string | undefined) {
  try {
    return chooseLanguage(value);
  } catch (error) {
    throw new UsageError(`--lang: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function positiveInteger(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0)
    throw new UsageError(`${name} expects a positive whole number, got "${value}"`);
  return parsed;
}

class UsageError extends Error {}

function transportFlags(bannerTimeout: string | undefined, retryDelay: string | undefined): Partial<TransportOptions> {
  const transport: Partial<TransportOptions> = {};
  if (bannerTimeout !== undefined)
    transport.bannerTimeoutMs = positiveInteger(
      bannerTimeout,
      '--banner-timeout',
      DEFAULT_TRANSPORT_OPTIONS.bannerTimeoutMs,
    );
  if (retryDelay !== undefined) {
    const delay = Number(retryDelay);
    if (!Number.isInteger(delay) || delay < 0)
      throw new UsageError(`--retry-delay expects a whole number of milliseconds, got "${retryDelay}"`);
    transport.retryDelayMs = delay;
  }
  return transport;
}

async function readOptionFile(option: string, file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `${option} ${file}: cannot read it (${code === 'ENOENT' ? 'no such file' : (code ?? String(error))})`,
    );
  }
}

/** Files named on the command line are checked before any query, so a typo is one clear error, not one per domain. */
async function checkOptionFiles(trustAnchorFile: string | undefined, caFile: string | undefined): Promise<void> {
  if (trustAnchorFile !== undefined) {
    const text = await readOptionFile('--trust-anchor', trustAnchorFile);
    let count: number;
    try {
      count = parseTrustAnchors(text).length;
    } catch (error) {
      throw new UsageError(
        `--trust-anchor ${trustAnchorFile}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (count === 0) throw new UsageError(`--trust-anchor ${trustAnchorFile}: no DS or DNSKEY record in it`);
  }
  if (caFile !== undefined && !(await readOptionFile('--ca-file', caFile)).includes('-----BEGIN CERTIFICATE-----')) {
    throw new UsageError(`--ca-file ${caFile}: no PEM certificate (-----BEGIN CERTIFICATE-----) in it`);
  }
}

async function readDomainsFile(file: string): Promise<string[]> {
  const text = await readOptionFile('--domains-file', file);
  return text
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim().split(/\s+/)[0] ?? '')
    .filter((line) => line !== '');
}

export async function checkCommand(argv: string[]): Promise<number> {
  try {
    return await check(argv);
  } catch (error) {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error)) {
      process.stderr.write(`mailwarden check: ${error.message}\n\n${HELP}`);
      return 3;
    }
    throw error;
  }
}

async function check(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      resolver: { type: 'string', multiple: true },
      'trust-anchor': { type: 'string' },
      'ca-file': { type: 'string' },
      'dkim-selectors': { type: 'string' },
      'sender-ip': { type: 'string', multiple: true },
      'ehlo-name': { type: 'string' },
      'allow-private-targets': { type: 'boolean', default: false },
      checks: { type: 'string' },
      'domains-file': { type: 'string' },
      concurrency: { type: 'string' },
      timeout: { type: 'string' },
      'banner-timeout': { type: 'string' },
      'retry-delay': { type: 'string' },
      'rpki-vrps': { type: 'string' },
      'rpki-origins': { type: 'string' },
      workers: { type: 'string' },
      json: { type: 'boolean', default: false },
      lang: { type: 'string' },
      'min-status': { type: 'string' },
      stats: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const language = languageFlag(values.lang);
  const minStatus = minStatusFlag(values['min-status']);
  await checkOptionFiles(values['trust-anchor'], values['ca-file']);
  const fromFile = values['domains-file'] ? await readDomainsFile(values['domains-file']) : [];
  const parsed = [...positionals, ...fromFile].filter((d) => d.trim() !== '').map(parseDomainName);
  const refused = parsed.flatMap((result) => (result.ok ? [] : [result.problem]));
  if (refused.length > 0) throw new UsageError(refused.join('\n'));
  const domains = parsed.flatMap((result) => (result.ok ? [result.name] : []));
  if (domains.length === 0) throw new UsageError('name at least one domain');

  let monitors = MONITORS;
  if (values.checks) {
    const wanted = values.checks.split(',').map((name) => name.trim());
    const unknown = wanted.filter((name) => !MONITORS.some((monitor) => monitor.name === name));
    if (unknown.length > 0) {
      throw new UsageError(`unknown check ${unknown.join(', ')}; known: ${MONITORS.map((m) => m.name).join(', ')}`);
    }
    monitors = MONITORS.filter((monitor) => wanted.includes(monitor.name));
  }

  const timeoutMs = positiveInteger(values.timeout, '--timeout', DEFAULT_CHECK_OPTIONS.timeoutMs);
  const servers = (values.resolver ?? []).map((text) => {
    try {
      return parseServerAddress(text);
    } catch (error) {
      throw new UsageError(`--resolver: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  const dns = createResolver({ ...(servers.length > 0 ? { servers } : {}), timeoutMs: Math.min(timeoutMs, 5_000) });
  const options: CheckOptions = {
    ...DEFAULT_CHECK_OPTIONS,
    dkimSelectors:
      values['dkim-selectors']
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean) ?? [],
    spfSenderIps: values['sender-ip'] ?? [],
    allowPrivateTargets: values['allow-private-targets'],
    timeoutMs,
    ...(values['ehlo-name'] ? { ehloName: values['ehlo-name'] } : {}),
    ...(values['trust-anchor'] ? { trustAnchorFile: values['trust-anchor'] } : {}),
    ...(values['ca-file'] ? { caFile: values['ca-file'] } : {}),
  };
  const transport = transportFlags(values['banner-timeout'], values['retry-delay']);
  if (Object.keys(transport).length > 0) options.transport = transport;
  if (values['rpki-vrps'] || values['rpki-origins'])
    options.rpki = { vrps: values['rpki-vrps'], origins: values['rpki-origins'] };
  const concurrency = positiveInteger(values.concurrency, '--concurrency', 32);
  const workers = positiveInteger(values.workers, '--workers', defaultWorkers(domains.length));

  const started = performance.now();
  const resolverProblem = await judgeResolver(dns);
  if (resolverProblem?.kind === 'unreachable') {
    process.stderr.write(
      `mailwarden check: the resolver cannot be used, nothing was checked: ${resolverProblem.message}\n`,
    );
    return 3;
  }
  if (resolverProblem) {
    // One error about the resolver instead of a DNSSEC/DANE false alarm for every domain.
    monitors = monitors.filter((monitor) => !DNSSEC_DEPENDENT.has(monitor.name));
    process.stderr.write(
      `mailwarden check: ${resolverProblem.message}; DNSSEC and DANE checks were skipped. ` +
        'Use a validating resolver that passes DNSSEC data (--resolver).\n',
    );
  }
  const setup: CheckSetup = {
    servers: [...dns.servers],
    resolverTimeoutMs: Math.min(timeoutMs, 5_000),
    options,
    monitors: monitors.map((monitor) => monitor.name),
    concurrency,
  };
  const json = values.json ? new JsonReportStream(process.stdout) : undefined;
  const reports: DomainReport[] = [];
  const run = await runChecks(domains, setup, { workers, json: json !== undefined }, async (item) => {
    if (json) await json.write(item.json ?? reportJson(item.report!));
    else reports.push(item.report!);
  });
  const seconds = (performance.now() - started) / 1000;

  if (json) {
    const resolver = resolverProblem ? { problem: resolverProblem.kind, message: resolverProblem.message } : undefined;
    await json.end(resolver);
  } else {
    const stdout = process.stdout;
    const width = stdout.isTTY && stdout.columns ? Math.min(stdout.columns, 100) : 100;
    const colour = wantsColour(stdout);
    const scoreLine = (report: (typeof reports)[number]) => formatScoreLine(mailScore(report), language);
    stdout.write(
      formatReportsAsTable(reports, { language, colour, width, scoreLine, ...(minStatus ? { minStatus } : {}) }),
    );
    if (reports.length > 1) stdout.write(`\n${formatTotals(reports, language)}`);
  }
  if (values.stats) {
    const stats = addStats(dns.stats(), run.stats);
    process.stderr.write(
      `${domains.length} domains in ${seconds.toFixed(2)} s; DNS: ${stats.requested} requested, ${stats.sent} sent ` +
        `(${(stats.sent / domains.length).toFixed(2)} per domain), ${stats.cacheHits} cache hits, ${stats.coalesced} coalesced, ` +
        `${stats.timeouts} timeouts\n`,
    );
  }
  const code = run.tally.code();
  return resolverProblem && code < 2 ? 3 : code;
}

const DNSSEC_DEPENDENT = new Set(['dnssec', 'dane']);

function addStats(a: QueryStats, b: QueryStats): QueryStats {
  const sum = { ...a };
  for (const key of Object.keys(sum) as (keyof QueryStats)[]) sum[key] += b[key];
  return sum;
}

/** Whether the resolver answers at all and passes DNSSEC data; undefined when it is fit for the job. */
async function judgeResolver(dns: DnsClient): Promise<ResolverProblem | undefined> {
  const health = await checkDnssecSupport(dns);
  return health.ok ? undefined : health.problem;
}
