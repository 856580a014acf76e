import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { normaliseDomain } from '../check/check-domain.ts';
import { parseDomainFile } from './domain-file.ts';
import { createConfigSchema, type RawConfig, type SeverityOverride } from './schema.ts';
import { Secret } from './secret.ts';
import { formatKeyPath, hasPath, locate } from './source-location.ts';
import { didYouMean } from './suggest.ts';

export interface DomainConfig {
  name: string;
  dkimSelectors: string[];
  spfSenderIps: string[];
  tags: string[];
  /** Global `checks.severity` merged with the domain's own (the domain's wins). */
  severity: Record<string, SeverityOverride>;
}

export type Config = Omit<RawConfig, 'domains' | 'domainFiles' | 'state'> & {
  state: StateConfig;
  /** Absolute path of the file this came from. */
  file: string;
  domains: DomainConfig[];
  /** Non-fatal remarks (duplicate domains); the daemon logs them. */
  warnings: string[];
};

export interface StateConfig {
  /** `sqlite:<absolute path>` or a PostgreSQL URL (may hold a password: a Secret). */
  url: Secret;
  password?: Secret;
  historyRetention: number;
}

/** A relative SQLite path is relative to the configuration file, like every other path in it. */
function stateUrlBesideConfig(url: Secret, baseDir: string): Secret {
  const text = url.reveal();
  if (!text.startsWith('sqlite:')) return url;
  return new Secret(`sqlite:${resolve(baseDir, text.slice('sqlite:'.length))}`);
}

export interface ConfigProblem {
  file: string;
  line?: number;
  col?: number;
  key?: string;
  message: string;
}

/** Every problem in a configuration, each as `file:line:col: key: what is expected`. Never contains a secret value. */
export class ConfigError extends Error {
  readonly problems: ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function formatProblem(problem: ConfigProblem): string {
  const where = [problem.file, problem.line, problem.line === undefined ? undefined : problem.col]
    .filter((part) => part !== undefined)
    .join(':');
  return `${where}: ${problem.key === undefined ? '' : `${problem.key}: `}${problem.message}`;
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  readFile?: (path: string) => string;
}

export function loadConfigFile(file: string, options: LoadOptions = {}): Config {
  const readFile = options.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const absolute = resolve(file);
  let text: string;
  try {
    text = readFile(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ConfigError([{ file, message: `cannot read the configuration file (${code})` }]);
  }
  return parseConfig(text, file, { ...options, readFile });
}

/** Parses and validates configuration text; `file` is used for messages and as the base of relative paths. */
export function parseConfig(text: string, file: string, options: LoadOptions = {}): Config {
  const readFile = options.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((error) => {
        const position = lineCounter.linePos(error.pos[0]);
        return { file, line: position.line, col: position.col, message: `YAML syntax: ${firstLine(error.message)}` };
      }),
    );
  }
  const schema = createConfigSchema({ env: options.env ?? process.env, readFile });
  const result = schema.safeParse(dropNulls(doc.toJS()) ?? {});
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.flatMap(unionBranch).map((issue) => toProblem(issue, file, doc, lineCounter)),
    );
  }
  const baseDir = dirname(resolve(file));
  const config = finish(result.data, file, baseDir, readFile);
  config.warnings.push(...unknownRouteTags(config, file, doc, lineCounter));
  return config;
}

/** A route matching a tag that no domain carries never fires: probably a misspelling (a warning, not an error). */
function unknownRouteTags(
  config: Config,
  file: string,
  doc: ReturnType<typeof parseDocument>,
  lineCounter: LineCounter,
): string[] {
  const known = [...new Set(config.domains.flatMap((domain) => domain.tags))].sort();
  return config.routes.flatMap((route, index) =>
    route.match.tags.flatMap((tag, tagIndex) => {
      if (known.includes(tag)) return [];
      const path = ['routes', index, 'match', 'tags', tagIndex];
      const where = locate(doc, lineCounter, path);
      return [
        formatProblem({
          file,
          ...where,
          key: formatKeyPath(path),
          message: `no domain has the tag "${tag}"${didYouMean(tag, known)} (tags in use: ${known.join(', ') || 'none'})`,
        }),
      ];
    }),
  );
}

/**
 * A value of a union (a domain written as text or as an object) that fits no branch: the issues of the branch of
 * the value's own type say what is wrong ("has an empty label"), where zod only says "Invalid input".
 */
function unionBranch(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [issue];
  const ofItsType = issue.errors.find(
    (branch) => branch.length > 0 && !branch.every((sub) => sub.code === 'invalid_type' && sub.path.length === 0),
  );
  if (!ofItsType) return [issue];
  return ofItsType.flatMap((sub) => unionBranch({ ...sub, path: [...issue.path, ...sub.path] } as z.core.$ZodIssue));
}

function toProblem(
  issue: z.core.$ZodIssue,
  file: string,
  doc: ReturnType<typeof parseDocument>,
  lineCounter: LineCounter,
): ConfigProblem {
  const path = issue.path as PropertyKey[];
  if (issue.code === 'unrecognized_keys') {
    const [first] = issue.keys;
    const position = locate(doc, lineCounter, path, first);
    const key = formatKeyPath([...path, first ?? '']);
    return {
      file,
      ...position,
      key,
      message: `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (check the spelling; see docs/daemon.md)`,
    };
  }
  if (issue.code === 'invalid_key') {
    // a record key (a check id in checks.severity): point at the key itself and say what is wrong with it
    const key = path.at(-1);
    const position = locate(doc, lineCounter, path.slice(0, -1), String(key));
    return { file, ...position, key: formatKeyPath(path), message: issue.issues[0]?.message ?? issue.message };
  }
  const position = locate(doc, lineCounter, path);
  const message = issue.message.replace(/^Invalid input: /, '');
  const missing = issue.code === 'invalid_type' && !hasPath(doc, path);
  return { file, ...position, key: formatKeyPath(path), message: missing ? `is required (${message})` : message };
}

/** `alerting:` with every line below commented out is null in YAML: treat it like an absent key (defaults). */
function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).flatMap(([k, v]) => (v === null ? [] : [[k, dropNulls(v)]])));
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

function finish(raw: RawConfig, file: string, baseDir: string, readFile: (path: string) => string): Config {
  const { domains: inline, domainFiles, ...rest } = raw;
  const at = (path: string | undefined) => (path === undefined ? undefined : resolve(baseDir, path));
  const warnings: string[] = [];
  const byName = new Map<string, DomainConfig>();
  const add = (
    entry: Omit<DomainConfig, 'severity'> & { severity?: Record<string, SeverityOverride> },
    origin: string,
  ) => {
    const name = normaliseDomain(entry.name);
    if (byName.has(name)) {
      warnings.push(`${origin}: domain ${name} is listed more than once; the first entry is used`);
      return;
    }
    byName.set(name, { ...entry, name, severity: { ...raw.checks.severity, ...entry.severity } });
  };
  inline.forEach((entry, index) => {
    if (typeof entry === 'string')
      add({ name: entry, dkimSelectors: [], spfSenderIps: [], tags: [] }, `${file}: domains[${index}]`);
    else
      add(
        { ...entry, dkimSelectors: entry.dkimSelectors ?? [], spfSenderIps: entry.spfSenderIps ?? [] },
        `${file}: domains[${index}]`,
      );
  });
  const problems: ConfigProblem[] = [];
  for (const spec of domainFiles) {
    const path = typeof spec === 'string' ? spec : spec.path;
    const extraTags = typeof spec === 'string' ? [] : spec.tags;
    const absolute = resolve(baseDir, path);
    let text: string;
    try {
      text = readFile(absolute);
    } catch (error) {
      problems.push({
        file,
        key: 'domainFiles',
        message: `cannot read domain file ${path} (${(error as NodeJS.ErrnoException).code ?? error})`,
      });
      continue;
    }
    const parsed = parseDomainFile(text);
    for (const problem of parsed.problems) problems.push({ file: path, line: problem.line, message: problem.message });
    for (const line of parsed.domains) {
      add(
        {
          name: line.name,
          dkimSelectors: line.dkimSelectors ?? [],
          spfSenderIps: line.spfSenderIps ?? [],
          tags: [...new Set([...extraTags, ...line.tags])],
        },
        `${path}:${line.line}`,
      );
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    ...rest,
    file: resolve(file),
    dns: { ...rest.dns, trustAnchorFile: at(rest.dns.trustAnchorFile) },
    checks: {
      ...rest.checks,
      caFile: at(rest.checks.caFile),
      // RPKI sources that are files are relative to the config file too; URLs and dns:<zone> stay as written
      rpki: {
        vrps: /^https?:\/\//i.test(rest.checks.rpki.vrps ?? '') ? rest.checks.rpki.vrps : at(rest.checks.rpki.vrps),
        origins: rest.checks.rpki.origins?.startsWith('dns:') ? rest.checks.rpki.origins : at(rest.checks.rpki.origins),
      },
    },
    state: {
      url: stateUrlBesideConfig(rest.state.url, baseDir),
      ...(rest.state.password ? { password: rest.state.password } : {}),
      historyRetention: rest.state.historyRetention,
    },
    domains: [...byName.values()],
    warnings,
  };
}
