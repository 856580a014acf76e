import { isIP } from 'node:net';
import { z } from 'zod';
import { CHECK_AREAS, CHECK_IDS, isCheckId } from '../i18n/check-ids.ts';
import { LANGUAGES } from '../i18n/types.ts';
import { STATUSES } from '../model.ts';
import { parseDomainName } from './domain-name.ts';
import { parseDuration } from './duration.ts';
import { httpSchema } from './http-schema.ts';
import { parseMailbox } from './mailbox.ts';
import { resolveSecret, Secret } from './secret.ts';
import { didYouMean } from './suggest.ts';
import { headerNameProblem, headerValueProblem, urlProblem } from './url.ts';

export interface SchemaEnvironment {
  env: NodeJS.ProcessEnv;
  readFile?: (path: string) => string;
}

const VERDICTS = ['ok', 'info', 'warn', 'fail'] as const;

/** The embedded default: one SQLite file beside the configuration. */
export const DEFAULT_STATE_URL = 'sqlite:./state/mailwarden.db';

/** A duration written as text (30s, 5m, 1h30m, 1d), parsed to milliseconds. */
const durationText = z.string({ error: 'expected a duration such as 30s, 5m, 1h or 1d' }).transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `expected a duration such as 30s, 5m, 1h or 1d, got "${text}"` });
    return z.NEVER;
  }
  return ms;
});

function duration(defaultValue: string) {
  const ms = parseDuration(defaultValue);
  if (ms === undefined) throw new Error(`bad default duration ${defaultValue}`);
  return durationText.default(ms);
}

/** A duration with no default: absent means "the component's own default". */
const optionalDuration = durationText.optional();

/** Thresholds of the dnssec.* checks (defaults in src/monitors/dnssec/settings.ts). */
const dnssecThresholds = z
  .strictObject({
    expiryWarn: optionalDuration,
    expiryWarnFraction: z.number().gt(0).lt(1).optional(),
    expiryFail: optionalDuration,
    staleAfter: optionalDuration,
    clockSkew: optionalDuration,
    maxNsec3Iterations: z.number().int().min(0).max(65535).optional(),
  })
  .prefault({});

/** STARTTLS/DANE/MTA-STS knobs (defaults in src/smtp/settings.ts). */
const transportSettings = z
  .strictObject({
    smtpPort: z.number().int().min(1).max(65535).optional(),
    bannerTimeout: optionalDuration,
    retryDelay: optionalDuration,
    connectionsPerAddress: z.number().int().min(1).max(100).optional(),
    legacyTls: z.boolean().optional(),
    certificateWarnDays: z.number().min(0).optional(),
    certificateFailDays: z.number().min(0).optional(),
    rolloverWarnDays: z.number().min(0).optional(),
    httpsPort: z.number().int().min(1).max(65535).optional(),
    mtaStsMaxBytes: z.number().int().min(1024).optional(),
    /** Total time of one SMTP probe of one address (banner + EHLO + STARTTLS + QUIT). */
    probeDeadline: optionalDuration,
  })
  .prefault({});

/** What one domain check and one batch may cost (defaults in src/monitors/limits.ts; batch: none). */
const checkLimitSettings = z
  .strictObject({
    domainDeadline: optionalDuration,
    batchDeadline: optionalDuration,
    dnsQueriesPerDomain: z.number().int().min(10).optional(),
    dnsBytesPerDomain: z.number().int().min(65_536).optional(),
    mxHostsPerDomain: z.number().int().min(1).optional(),
    addressesPerHost: z.number().int().min(1).optional(),
  })
  .prefault({});

const hostPort = z.string().refine(
  (text) => {
    const match = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(text);
    return match !== null && isIP(match[1]!) !== 0;
  },
  { message: 'expected an IP address with an optional port, e.g. 127.0.0.1:53 or [::1]:53' },
);

/** A check id mailwarden reports (spf.policy); a misspelt one would silently never match. */
const checkId = z.string().superRefine((id, ctx) => {
  if (!isCheckId(id))
    ctx.addIssue({
      code: 'custom',
      message: `unknown check "${id}"${didYouMean(id, CHECK_IDS)} (known: ${CHECK_IDS.join(', ')})`,
    });
});

/** In a route: a check id, or an area (`dane`, `dane.*`) for every check of it. */
const checkPattern = z.string().superRefine((pattern, ctx) => {
  const area = pattern.replace(/\.\*$/, '');
  if (isCheckId(pattern) || CHECK_AREAS.includes(area)) return;
  const candidates = [...CHECK_IDS, ...CHECK_AREAS];
  ctx.addIssue({
    code: 'custom',
    message: `unknown check "${pattern}"${didYouMean(pattern, candidates)} (a check id such as dmarc.policy, or an area: ${CHECK_AREAS.join(', ')})`,
  });
});

/** The language of alert texts (findings' summaries and fixes); absent: English. */
const language = z.enum(LANGUAGES, { error: `expected a language: ${LANGUAGES.join(', ')}` }).optional();

/** An e-mail address (`ops@example.nl`, or `Ops <ops@example.nl>`). */
const mailbox = z.string().superRefine((text, ctx) => {
  const problem = parseMailbox(text);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});

/** Per-check severity override: replaces a warn/fail verdict by this one; `ignore` drops the finding. */
const severityOverrides = z
  .record(checkId, z.enum([...VERDICTS, 'ignore'], { error: 'expected one of ok, info, warn, fail, ignore' }))
  .default({});

/** A domain name, IDN allowed and normalised to A-labels; URLs, spaces and empty labels refused. */
const domainName = z.string().transform((text, ctx) => {
  const parsed = parseDomainName(text);
  if (parsed.ok) return parsed.name;
  ctx.addIssue({ code: 'custom', message: parsed.problem });
  return z.NEVER;
});

const tags = z.array(z.string().regex(/^[A-Za-z0-9_.:-]+$/, 'expected a tag of letters, digits, _ . : -')).default([]);

const domainEntry = z.union([
  domainName,
  z.strictObject({
    name: domainName,
    dkimSelectors: z.array(z.string().min(1)).optional(),
    spfSenderIps: z.array(z.string().refine((ip) => isIP(ip) !== 0, 'expected an IP address')).optional(),
    tags,
    severity: severityOverrides,
  }),
]);

const domainFile = z.union([z.string().min(1), z.strictObject({ path: z.string().min(1), tags })]);

/** Empty `kinds`: every kind except `changed`, which a route gets only when it lists it (record changes are chatty). */
const NOTICE_KINDS = [
  'regression',
  'recovery',
  'new',
  'gone',
  'expiring',
  'unreachable',
  'changed',
  'baseline',
] as const;

/** Per route: Alertmanager's grouping words, and the opt-out of "already failing at first check" (docs/alerts.md). */
const alertRouteSettings = {
  groupWait: duration('30s'),
  groupInterval: duration('5m'),
  baseline: z.boolean().default(true),
};

const isoTime = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 time such as 2026-12-01T22:00:00Z' });

/** A silence or maintenance window: matching notices are recorded, not sent. Lists match any of their entries. */
const silenceEntry = z
  .strictObject({
    id: z.string().min(1).optional(),
    domains: z.array(z.string().min(1)).optional(),
    tags: z.array(z.string().min(1)).optional(),
    checks: z.array(z.string().min(1)).optional(),
    startsAt: isoTime.optional(),
    endsAt: isoTime,
    comment: z.string().min(1, 'say why (comment)'),
    createdBy: z.string().min(1).optional(),
  })
  .refine((s) => (s.domains?.length ?? 0) + (s.tags?.length ?? 0) + (s.checks?.length ?? 0) > 0, {
    message: 'a silence needs at least one of domains, tags or checks',
  });

const minStatus = z.enum(STATUSES, { error: 'expected one of ok, info, warn, fail, error' });

export function createConfigSchema(environment: SchemaEnvironment) {
  const secret = z
    .string({ error: 'expected a string: ${ENV_VAR}, file:/path or a literal' })
    .transform((text, ctx) => {
      const resolved = resolveSecret(text, environment.env, environment.readFile);
      if (!resolved.ok) {
        ctx.addIssue({ code: 'custom', message: resolved.problem });
        return z.NEVER;
      }
      return resolved.secret as Secret;
    });

  /** A secret that must be an http(s) URL; the problem never quotes it. */
  const secretUrl = secret.superRefine((value, ctx) => {
    const problem = urlProblem(value.reveal());
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
  /** Header values may carry tokens (Authorization): secrets, resolved like every other. */
  const headerValue = secret.superRefine((value, ctx) => {
    const problem = headerValueProblem(value.reveal());
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
  const headers = z
    .record(z.string(), headerValue)
    .superRefine((record, ctx) => {
      for (const name of Object.keys(record)) {
        const problem = headerNameProblem(name);
        if (problem) ctx.addIssue({ code: 'custom', path: [name], message: problem });
      }
    })
    .default({});

  const slackChannel = z.strictObject({
    type: z.literal('slack'),
    url: secretUrl,
    timeout: duration('10s'),
    language,
  });
  const logChannel = z.strictObject({ type: z.literal('log'), language });
  const emailChannel = z.strictObject({
    type: z.literal('email'),
    smtp: z.strictObject({
      host: z.string().min(1),
      port: z.number().int().min(1).max(65535).default(587),
      /** Implicit TLS (port 465). Otherwise STARTTLS is required unless `requireTls: false`. */
      secure: z.boolean().default(false),
      requireTls: z.boolean().default(true),
      user: z.string().optional(),
      password: secret.optional(),
      caFile: z.string().optional(),
      timeout: duration('30s'),
    }),
    from: mailbox,
    to: z.array(mailbox).min(1, 'expected at least one recipient'),
    subjectPrefix: z.string().default('[mailwarden]'),
    language,
  });
  const webhookChannel = z.strictObject({
    type: z.literal('webhook'),
    url: secretUrl,
    /** HMAC-SHA256 key for the X-Mailwarden-Signature header. */
    secret: secret.optional(),
    format: z.enum(['json', 'alertmanager']).default('json'),
    timeout: duration('10s'),
    headers,
    language,
  });
  const channel = z.discriminatedUnion('type', [slackChannel, emailChannel, webhookChannel, logChannel], {
    error: 'expected a channel with type slack, email, webhook or log',
  });

  const route = z.strictObject({
    name: z.string().min(1),
    channels: z.array(z.string().min(1)).min(1, 'expected at least one channel name'),
    /** Overrides the channels' language for what this route sends. */
    language,
    match: z
      .strictObject({
        tags: z.array(z.string()).default([]),
        domains: z.array(z.string()).default([]),
        checks: z.array(checkPattern).default([]),
        kinds: z.array(z.enum(NOTICE_KINDS)).default([]),
        minStatus: minStatus.default('warn'),
      })
      .prefault({}),
    ...alertRouteSettings,
  });

  return z
    .strictObject({
      dns: z
        .strictObject({
          /** Recursive resolvers to use; empty means the system's (/etc/resolv.conf). */
          resolvers: z.array(hostPort).default([]),
          trustAnchorFile: z.string().optional(),
          timeout: duration('5s'),
        })
        .prefault({}),
      checks: z
        .strictObject({
          ehloName: z.string().min(1).default('mailwarden.invalid'),
          allowPrivateTargets: z.boolean().default(false),
          caFile: z.string().optional(),
          timeout: duration('10s'),
          dkimSelectors: z.array(z.string().min(1)).default([]),
          severity: severityOverrides,
          dnssec: dnssecThresholds,
          transport: transportSettings,
          /** RPKI origin validation (src/monitors/rpki/settings.ts): VRP export file/URL, origin file or dns:<zone>. */
          rpki: z
            .strictObject({ vrps: z.string().min(1).optional(), origins: z.string().min(1).optional() })
            .prefault({}),
          limits: checkLimitSettings,
        })
        .prefault({}),
      schedule: z
        .strictObject({
          interval: duration('1h'),
          /** Random spread added to each due time, as a fraction of the interval. */
          jitter: z.number().min(0).max(0.5).default(0.05),
          concurrency: z.number().int().min(1).max(10_000).default(20),
          /** Domains never checked before are spread over this window after start. */
          firstCheckSpread: duration('1m'),
          /** Most domains per batch (one batch shares MX probes and sends one message per route). */
          batchSize: z.number().int().min(1).default(500),
        })
        .prefault({}),
      alerting: z
        .strictObject({
          failureThreshold: z.number().int().min(1).default(2),
          successThreshold: z.number().int().min(1).default(2),
          confirmDelay: duration('3m'),
          sendOnResolved: z.boolean().default(true),
          reminderInterval: duration('24h'),
          unreachableThreshold: z.number().int().min(1).default(3),
          expiringThreshold: duration('14d'),
          resolverCanaries: z.array(z.string().min(1)).default(['.']),
          /** Fraction of a batch (of at least resolverMinBatch domains) that may error before the resolver is blamed. */
          resolverErrorRatio: z.number().gt(0).max(1).default(0.5),
          resolverMinBatch: z.number().int().min(1).default(5),
          /** First retry delay of a failed delivery; doubles per attempt up to retryBackoffMax. */
          retryBackoff: duration('30s'),
          retryBackoffMax: duration('1h'),
          /** One send may take this long before it counts as failed (and is retried); other channels go on meanwhile. */
          deliveryTimeout: duration('30s'),
        })
        .prefault({}),
      state: z
        .strictObject({
          /**
           * `sqlite:<path>` (relative to the config file) or `postgres://user@host:port/db`; `${ENV}` and `file:`
           * work as for every secret, since a PostgreSQL URL may carry a password.
           */
          url: secret.default(new Secret(DEFAULT_STATE_URL)),
          /** The PostgreSQL password, when it is not in the URL (e.g. `file:/run/secrets/pg-password`). */
          password: secret.optional(),
          historyRetention: duration('400d'),
          dir: z
            .unknown()
            .optional()
            .superRefine((value, ctx) => {
              if (value !== undefined)
                ctx.addIssue({
                  code: 'custom',
                  message:
                    'state.dir was replaced by state.url (a database): write url: sqlite:<dir>/mailwarden.db, and move an old state directory in with `mailwarden state import <dir>`',
                });
            }),
        })
        .prefault({}),
      /** Workers sharing one PostgreSQL (state.url postgres://…; src/cluster/). */
      cluster: z
        .strictObject({
          /**
           * A running batch is touched this often / 3; a batch not touched for this long (its worker died or lost the
           * database) is given to another worker. pg-boss's minimum is 10 s.
           */
          heartbeat: durationText
            .refine((ms) => ms >= 10_000, 'cluster.heartbeat must be at least 10s')
            .default(30_000),
        })
        .prefault({}),
      log: z
        .strictObject({
          level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'),
          /** auto: readable lines on a terminal, JSON lines otherwise. */
          format: z.enum(['auto', 'json', 'pretty']).default('auto'),
        })
        .prefault({}),
      /** Optional HTTP listener (/metrics, /healthz, /api): off unless `listen` is set. */
      http: httpSchema(secret),
      channels: z
        .record(z.string().regex(/^[A-Za-z0-9_-]+$/, 'expected a channel name of letters, digits, _ and -'), channel)
        .default({}),
      routes: z.array(route).default([]),
      alertmanager: z.strictObject({ resendInterval: duration('1m') }).prefault({}),
      silences: z.array(silenceEntry).default([]),
      domains: z.array(domainEntry).default([]),
      domainFiles: z.array(domainFile).default([]),
    })
    .superRefine((config, ctx) => {
      config.routes.forEach((r, index) => {
        r.channels.forEach((name, channelIndex) => {
          if (!(name in config.channels)) {
            const known = Object.keys(config.channels);
            ctx.addIssue({
              code: 'custom',
              path: ['routes', index, 'channels', channelIndex],
              message: `no channel named "${name}" (defined: ${known.length > 0 ? known.join(', ') : 'none'})`,
            });
          }
        });
      });
    });
}

export type RawConfig = z.output<ReturnType<typeof createConfigSchema>>;
export type ChannelConfig = RawConfig['channels'][string];
export type RouteConfig = RawConfig['routes'][number];
export type SilenceConfig = RawConfig['silences'][number];
export type SeverityOverride = (typeof VERDICTS)[number] | 'ignore';
