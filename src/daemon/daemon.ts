import type { Logger } from 'pino';
import { resendToAlertmanagers } from '../alerts/alertmanager-resend.ts';
import type { Channel } from '../alerts/channel.ts';
import { channelOptionsOf, createChannels } from '../alerts/create-channels.ts';
import { DependentsIndex, dependencyKeysOf, newlyWorseSharedKeys } from '../alerts/dependents.ts';
import { type DeliveryEvent, Outbox } from '../alerts/outbox.ts';
import { type Silence, silenceMatches, silencesFromConfig } from '../alerts/silences.ts';
import type { DaemonCluster } from '../cluster/cluster.ts';
import type { ClaimedBatch } from '../cluster/work-source.ts';
import type { Config, DomainConfig } from '../config/load.ts';
import { createResolver } from '../dns/resolver.ts';
import type { DnsClient } from '../dns/types.ts';
import type { Change, DomainReport } from '../model.ts';
import { MONITORS } from '../monitors/registry.ts';
import { type RunShared, sharedResultTtls } from '../monitors/run-shared.ts';
import type { Monitor, MonitorContext } from '../monitors/types.ts';
import { createTargetGuard, type TargetGuard } from '../net/target-guard.ts';
import { DEFAULT_TRANSPORT_OPTIONS } from '../smtp/settings.ts';
import type { StateStore } from '../state/store.ts';
import type { DomainState, GlobalState } from '../state/types.ts';
import {
  type BatchEnvironment,
  type BatchSummary,
  type CheckedBatch,
  checkBatch,
  type JudgedBatch,
  judgeBatch,
  summarise,
} from './batch.ts';
import { CANARY_CONFIRM_PAUSE_MS } from './canary.ts';
import { checkOptionsFor } from './check-options.ts';
import { DomainSlots } from './domain-slots.ts';
import { DueQueue } from './due-queue.ts';
import { LocalSharedResults, type LocalSharedResultsSettings } from './local-shared-results.ts';

export type { BatchSummary } from './batch.ts';

export interface DaemonOptions {
  config: Config;
  store: StateStore;
  logger: Logger;
  now?: () => Date;
  random?: () => number;
  monitors?: readonly Monitor[];
  /** Injected in tests; otherwise built from the configuration. */
  dns?: DnsClient;
  /** Uncached client for the resolver canary; otherwise built from the configuration. */
  canaryDns?: DnsClient;
  /** Pause before a failed canary is asked again (confirmation); tests with a simulated clock set 0. */
  canaryConfirmPauseMs?: number;
  guard?: TargetGuard;
  channels?: Map<string, Channel>;
  /** Pause before a batch the database refused is written again (default 5 s). */
  storeRetryMs?: number;
  /** Told about every batch and delivery (metrics). */
  observer?: DaemonObserver;
  /**
   * One worker of many on PostgreSQL (src/cluster/): due domains are claimed from the job engine instead of the
   * in-process queue, probe results are shared across workers, and the outbox is delivered by one worker at a time.
   */
  cluster?: DaemonCluster;
}

export interface DaemonObserver {
  batchFinished?(batch: { reports: readonly DomainReport[]; changes: readonly Change[]; summary: BatchSummary }): void;
  delivery?(event: DeliveryEvent): void;
}

/** What /healthz and /metrics need to know about the loop. */
export interface DaemonStatus {
  /** run() is looping and no stop was requested. */
  running: boolean;
  /** When the loop last started a tick (ISO 8601). */
  lastTickAt?: string;
  /** When the batch now running started, if one runs (ISO 8601). */
  batchStartedAt?: string;
  lastBatch?: BatchSummary & { finishedAt: string };
  /** The last batch could not be saved (database down): it is retried, and nothing is alerted before it is. */
  storeProblem?: { since: string; message: string };
  /** This daemon is a worker of a cluster (its id): its resolver state is its own, not the store's. */
  worker?: string;
  /** A cluster worker whose own resolver fails (its batches are held); a single daemon keeps this in the store. */
  workerResolverDown?: { since: string; detail: string };
}

/**
 * Answers the daemon's resolver keeps. The names every domain shares (TLD and zone keys, MX hosts, SPF includes) stay
 * hot in the LRU, and so do a domain's own names while its check runs (64 domains at once ask about 2,500); past that
 * they are not asked again before the next cycle. The resolver's default, 100,000 answers, held about 0.5 GB of parsed
 * DNSSEC answers after a 10,000-domain cycle (about 7 KB per answer).
 */
const DNS_CACHE_ENTRIES = 5_000;

/** The longest a loop sleeps, so a stop, a reload or a retry is never far away. */
const MAX_SLEEP_MS = 5_000;

/** A cluster worker with nothing due asks the job engine again after this long. */
const CLUSTER_POLL_MS = 1_000;
/** The cluster job that delivers the outbox, and how often it runs at least. */
const OUTBOX_JOB = 'deliver-outbox';
const OUTBOX_PERIOD_SECONDS = 2;
/** The cluster job that re-sends open alerts to Alertmanager (every alertmanager.resendInterval). */
const RESEND_JOB = 'resend-alertmanager';

/** After a failed state write the batch is retried after this long (the database may be restarting). */
const STORE_RETRY_MS = 5_000;

/**
 * When fewer than `batchSize` domains are due, run() waits for more for up to this share of the interval after the
 * earliest became due, and never longer than GATHER_MAX_MS: at the default 1 h that is 5 s, far inside the default
 * jitter (±3 min), and at most 12 batches (canary, transaction) a minute however the domains' slots fall, where
 * starting at once ran one batch for every 2–3 domains that came due. A full batch starts at once.
 */
const GATHER_FRACTION = 0.01;
const GATHER_MAX_MS = 5_000;

/**
 * Batches whose checks may run at once in run(): a slow domain holds only its own batch, while the next ones check
 * (the domains in flight stay within `schedule.concurrency` across them). Checked batches wait here for their turn
 * to be judged and saved, so the bound also caps what is held in memory while the database is slow.
 */
const MAX_BATCHES_IN_FLIGHT = 4;

/** The cluster's rules for shared probe results (src/cluster/cluster.ts), for one process. */
function sharedResultsSettings(config: Config): LocalSharedResultsSettings {
  return {
    ...sharedResultTtls(config.schedule.interval, config.alerting.confirmDelay),
    perSlot: config.checks.transport.connectionsPerAddress ?? DEFAULT_TRANSPORT_OPTIONS.connectionsPerAddress,
  };
}

/** A batch taken from the due-queue or claimed from the job engine. */
interface TakenBatch {
  domains: DomainConfig[];
  claimed?: ClaimedBatch;
}

/**
 * The long-running service. A due-queue of domain names (a few bytes each; the states stay in the store) feeds
 * batches of four named steps — check, judge, remember, notify — and a delivery loop of its own sends what the
 * batches wrote into the outbox, so a hanging channel never holds the checks.
 */
export class Daemon {
  readonly #store: StateStore;
  readonly #logger: Logger;
  readonly #now: () => Date;
  readonly #random: () => number;
  readonly #monitors: readonly Monitor[];
  readonly #injected: Pick<DaemonOptions, 'dns' | 'canaryDns' | 'guard' | 'channels'>;
  readonly #queue = new DueQueue();
  #config!: Config;
  #domains = new Map<string, DomainConfig>();
  #dns!: DnsClient;
  #canaryDns!: DnsClient;
  readonly #canaryConfirmPauseMs: number;
  readonly #storeRetryMs: number;
  #guard!: TargetGuard;
  #outbox!: Outbox;
  #channels!: Map<string, Channel>;
  #configSilences: Silence[] = [];
  readonly #dependents = new DependentsIndex();
  #stopping = false;
  /** Aborted by stop(): the running batch's checks end early, and the delivery loop stops waiting for a receiver. */
  readonly #stop = new AbortController();
  readonly #stopped = new Promise<void>((resolve) => this.#stop.signal.addEventListener('abort', () => resolve()));
  #running = false;
  #lastTickAt: Date | undefined;
  /** Start times of the batches running now (run() overlaps their checks). */
  readonly #batchStarts = new Set<{ at: Date }>();
  /** `schedule.concurrency`, shared by the checks of every running batch. */
  readonly #slots = new DomainSlots(1);
  /** Domains being checked (single daemon): one due again meanwhile waits until its batch is saved. */
  readonly #checking = new Set<string>();
  readonly #dueAfterCheck = new Set<string>();
  /** Judge → remember → notify run one batch at a time, in the order the batches' checks end. */
  #turn: Promise<void> = Promise.resolve();
  /** A single daemon's probe results across batches (a cluster shares them through PostgreSQL instead). */
  #sharedResults: LocalSharedResults | undefined;
  #lastBatch: DaemonStatus['lastBatch'];
  #storeProblem: DaemonStatus['storeProblem'];
  readonly #observer: DaemonObserver | undefined;
  readonly #wakers = new Set<() => void>();
  readonly #cluster: DaemonCluster | undefined;
  /** A cluster worker's own resolver state (see #judgeAsWorker). */
  #workerResolver: GlobalState = {};
  readonly #retired: (DnsClient & { close?: () => void })[] = [];

  constructor(options: DaemonOptions) {
    this.#store = options.store;
    this.#logger = options.logger;
    this.#now = options.now ?? (() => new Date());
    this.#random = options.random ?? Math.random;
    this.#monitors = options.monitors ?? MONITORS;
    this.#canaryConfirmPauseMs = options.canaryConfirmPauseMs ?? CANARY_CONFIRM_PAUSE_MS;
    this.#storeRetryMs = options.storeRetryMs ?? STORE_RETRY_MS;
    this.#injected = {
      dns: options.dns,
      canaryDns: options.canaryDns,
      guard: options.guard,
      channels: options.channels,
    };
    this.#observer = options.observer;
    this.#cluster = options.cluster;
    this.#apply(options.config);
  }

  get config(): Config {
    return this.#config;
  }

  get queue(): DueQueue {
    return this.#queue;
  }

  get store(): StateStore {
    return this.#store;
  }

  get outbox(): Outbox {
    return this.#outbox;
  }

  /** The resolver the checks use (its statistics feed the metrics). */
  get dns(): DnsClient {
    return this.#dns;
  }

  status(): DaemonStatus {
    return {
      running: this.#running && !this.#stopping,
      ...(this.#lastTickAt ? { lastTickAt: this.#lastTickAt.toISOString() } : {}),
      ...(this.#batchStartedAt ? { batchStartedAt: this.#batchStartedAt.toISOString() } : {}),
      ...(this.#lastBatch ? { lastBatch: this.#lastBatch } : {}),
      ...(this.#storeProblem ? { storeProblem: this.#storeProblem } : {}),
      ...(this.#cluster ? { worker: this.#cluster.workerId } : {}),
      ...(this.#workerResolver.resolverDown ? { workerResolverDown: this.#workerResolver.resolverDown } : {}),
    };
  }

  /** When the oldest batch running now started. */
  get #batchStartedAt(): Date | undefined {
    let oldest: Date | undefined;
    for (const { at } of this.#batchStarts) if (oldest === undefined || at < oldest) oldest = at;
    return oldest;
  }

  #apply(config: Config): void {
    this.#config = config;
    this.#slots.setLimit(config.schedule.concurrency);
    if (!this.#cluster) {
      const settings = sharedResultsSettings(config);
      if (this.#sharedResults) this.#sharedResults.configure(settings);
      else this.#sharedResults = new LocalSharedResults(settings, () => this.#now().getTime());
    }
    this.#domains = new Map(config.domains.map((domain) => [domain.name, domain]));
    const resolvers = config.dns.resolvers;
    const base = { ...(resolvers.length > 0 ? { servers: resolvers } : {}), timeoutMs: config.dns.timeout };
    this.#closeResolvers();
    // Failures are cached for less than confirmDelay: the confirmation re-check of a domain, and the retry after a
    // resolver outage, ask again instead of reading the old timeout from the cache.
    const errorTtlSeconds = Math.min(30, Math.floor(config.alerting.confirmDelay / 2000));
    this.#dns =
      this.#injected.dns ?? createResolver({ ...base, cache: { errorTtlSeconds, maxEntries: DNS_CACHE_ENTRIES } });
    this.#canaryDns = this.#injected.canaryDns ?? createResolver({ ...base, cache: false });
    this.#guard =
      this.#injected.guard ??
      createTargetGuard({ allowPrivateTargets: config.checks.allowPrivateTargets, trusted: resolvers });
    const channels = this.#injected.channels ?? createChannels(config.channels, this.#logger, channelOptionsOf(config));
    this.#channels = channels;
    this.#configSilences = silencesFromConfig(config.silences, this.#now());
    const retry = { initialMs: config.alerting.retryBackoff, maxMs: config.alerting.retryBackoffMax };
    if (this.#outbox) {
      this.#outbox.setChannels(channels);
      this.#outbox.setRetry(retry, config.alerting.deliveryTimeout);
    } else {
      this.#outbox = new Outbox(this.#store, channels, this.#logger, {
        retry,
        sendTimeoutMs: config.alerting.deliveryTimeout,
        now: this.#now,
        onDelivery: (event) => this.#observer?.delivery?.(event),
      });
    }
    this.#outbox.setRoutes(config.routes);
  }

  /**
   * Tells the store which domains are configured, then fills the queue from the store's due times: a restart
   * neither rechecks everything at once nor skips what was due; a check interrupted by the restart is due now; a
   * new domain is due within `firstCheckSpread`.
   */
  async schedule(): Promise<void> {
    const now = this.#now();
    const sync = () =>
      this.#store.syncDomains(
        [...this.#domains.values()].map((domain) => ({ name: domain.name, tags: domain.tags })),
        now.toISOString(),
      );
    // syncDomains is idempotent under concurrency; workers of a cluster starting together still take turns, so the
    // first writes the list and the others find nothing to change (one write of 100,000 rows, not N at once).
    await (this.#cluster ? this.#cluster.serialized('sync-domains', sync) : sync());
    const known = new Set<string>();
    const cluster: { domain: string; dueAt: number }[] = [];
    const schedule = (domain: string, dueAt: number) =>
      this.#cluster ? cluster.push({ domain, dueAt }) : this.#queue.schedule(domain, dueAt);
    for await (const entry of this.#store.schedule()) {
      if (!this.#domains.has(entry.domain)) continue;
      known.add(entry.domain);
      if (this.#queue.dueAt(entry.domain) !== undefined) continue;
      if (entry.inFlight) schedule(entry.domain, now.getTime());
      else if (entry.nextDueAt !== undefined) schedule(entry.domain, Date.parse(entry.nextDueAt));
      else known.delete(entry.domain);
    }
    for (const domain of this.#domains.keys()) {
      if (known.has(domain) || this.#queue.dueAt(domain) !== undefined) continue;
      schedule(domain, now.getTime() + Math.floor(this.#random() * this.#config.schedule.firstCheckSpread));
    }
    // A cluster keeps one pending check per domain in the job engine: a domain that has one keeps it.
    if (this.#cluster) await this.#cluster.work.ensureScheduled(cluster);
  }

  /**
   * Retires the resolvers this daemon created (injected clients are the caller's). They are closed once no batch
   * uses them: a reload in the middle of a batch must not cut off its queries.
   */
  #closeResolvers(): void {
    for (const client of [this.#dns, this.#canaryDns]) {
      if (client === undefined || client === this.#injected.dns || client === this.#injected.canaryDns) continue;
      this.#retired.push(client as DnsClient & { close?: () => void });
    }
    if (this.#batchStartedAt === undefined) this.#closeRetired();
  }

  #closeRetired(): void {
    for (const client of this.#retired.splice(0)) client.close?.();
  }

  /** Releases sockets after run() returned (or when the daemon is used tick by tick, as the benchmark does). */
  close(): void {
    this.#closeResolvers();
    this.#closeRetired();
  }

  /** Swaps in a new, already validated configuration; state and due times are kept. */
  async reload(config: Config): Promise<void> {
    const before = new Set(this.#domains.keys());
    this.#apply(config);
    for (const domain of before) {
      if (this.#domains.has(domain)) continue;
      this.#queue.remove(domain);
      this.#dependents.remove(domain);
    }
    await this.schedule();
    this.#logger.info(
      { domains: this.#domains.size, channels: Object.keys(config.channels).length },
      'configuration reloaded',
    );
    this.#wake();
  }

  #environment(): BatchEnvironment {
    return {
      config: this.#config,
      store: this.#store,
      monitors: this.#monitors,
      canaryDns: this.#canaryDns,
      canaryConfirmPauseMs: this.#canaryConfirmPauseMs,
      context: (domain, shared) => this.#context(domain, shared),
      now: this.#now,
      random: this.#random,
      stopSignal: this.#stop.signal,
      slots: this.#slots,
      coordinator: this.#cluster ? this.#cluster.coordinator : this.#sharedResults!,
    };
  }

  /** The probe results shared across this daemon's batches (undefined in a cluster: see DaemonCluster). */
  get sharedResults(): LocalSharedResults | undefined {
    return this.#sharedResults;
  }

  #context(domain: DomainConfig, shared: RunShared): MonitorContext {
    return {
      dns: this.#dns,
      guard: this.#guard,
      shared,
      now: this.#now,
      options: checkOptionsFor(this.#config, domain),
    };
  }

  /**
   * One step of the check loop: one batch of due domains, if any, checked, judged, saved and notified before it
   * returns. Tests and the benchmark drive the daemon with it (then also call `deliver()`); run() overlaps batches.
   */
  async tick(): Promise<BatchSummary | undefined> {
    this.#lastTickAt = this.#now();
    const batch = await this.#take();
    return batch ? this.#runBatch(batch) : undefined;
  }

  /**
   * The next batch: up to `batchSize` due domains from the queue, or, in a cluster, claimed from the job engine
   * (handed back when saved). A domain whose check is still running is left to its batch and due again once that
   * batch is saved.
   */
  async #take(): Promise<TakenBatch | undefined> {
    const limit = this.#config.schedule.batchSize;
    if (this.#cluster) {
      const claimed = await this.#cluster.work.claim(limit);
      if (claimed === undefined) return undefined;
      this.#logger.debug({ domains: claimed.domains.length }, 'batch claimed');
      // A domain this worker's configuration does not know (workers on different configurations) is left unscheduled.
      const domains = claimed.domains.filter((name) => this.#domains.has(name)).map((name) => this.#domains.get(name)!);
      return { domains, claimed };
    }
    const names = this.#queue.popDue(this.#now().getTime(), limit).filter((name) => {
      if (!this.#domains.has(name)) return false;
      if (!this.#checking.has(name)) return true;
      this.#dueAfterCheck.add(name);
      return false;
    });
    if (names.length === 0) return undefined;
    return { domains: names.map((name) => this.#domains.get(name)!) };
  }

  /** Delivers what is due in the outbox (one pass); the delivery loop of run() calls it, and so do tests. */
  async deliver(): Promise<void> {
    await this.#outbox.deliverDue(this.#now());
  }

  /**
   * One batch: marked in flight, checked (beside other batches' checks, within the shared slots), then judged, saved
   * and notified in its turn. If its state cannot be read or written, nothing of it was learned or alerted: its
   * domains are checked again soon (in a cluster: handed back to the job engine).
   */
  async #runBatch(batch: TakenBatch, checksQueued?: () => void): Promise<BatchSummary> {
    const started = this.#now();
    const mark = { at: started };
    const names = batch.domains.map((domain) => domain.name);
    this.#batchStarts.add(mark);
    if (!this.#cluster) for (const name of names) this.#checking.add(name);
    try {
      await this.#store.markInFlight(names, started.toISOString());
      const checked = await checkBatch(
        { ...this.#environment(), ...(checksQueued ? { checksQueued } : {}) },
        batch.domains,
      );
      return await this.#inTurn(() => this.#finish(batch, checked, started));
    } catch (error) {
      checksQueued?.();
      const message = error instanceof Error ? error.message : String(error);
      this.#storeProblem ??= { since: this.#now().toISOString(), message };
      if (batch.claimed) await this.#cluster?.work.abandon(batch.claimed, message);
      else {
        const retryAt = this.#now().getTime() + this.#storeRetryMs;
        for (const name of names) this.#queue.schedule(name, retryAt);
      }
      throw error;
    } finally {
      this.#batchStarts.delete(mark);
      for (const name of names) {
        this.#checking.delete(name);
        if (!this.#dueAfterCheck.delete(name)) continue;
        const now = this.#now().getTime();
        this.#queue.schedule(name, Math.min(now, this.#queue.dueAt(name) ?? now));
      }
      if (this.#batchStarts.size === 0) this.#closeRetired();
    }
  }

  /** Runs `step` after every step queued before it has ended (whether it succeeded or not). */
  async #inTurn<T>(step: () => Promise<T>): Promise<T> {
    const previous = this.#turn;
    let done!: () => void;
    this.#turn = new Promise((resolve) => {
      done = resolve;
    });
    try {
      await previous;
      return await step();
    } finally {
      done();
    }
  }

  /** Steps 2–4 of a checked batch, and its summary. */
  async #finish(batch: TakenBatch, checked: CheckedBatch, started: Date): Promise<BatchSummary> {
    const { domains, claimed } = batch;
    const judged = await this.#judge(domains, checked);
    await this.#remember(judged);
    if (claimed) await this.#cluster?.work.committed(claimed, judged.due);
    this.#notify();

    const summary = summarise(domains.length, checked, judged, this.#now().getTime() - started.getTime());
    this.#lastBatch = { ...summary, finishedAt: this.#now().toISOString() };
    this.#observer?.batchFinished?.({ reports: checked.reports, changes: judged.changes, summary });
    const log = summary.resolverHealthy ? this.#logger.info.bind(this.#logger) : this.#logger.warn.bind(this.#logger);
    log(
      { ...summary, queued: this.#queue.size, dns: this.#dns.stats() },
      summary.resolverHealthy ? 'run finished' : 'run held: resolver failing',
    );
    return summary;
  }

  /** Step 2: the batch's stored states, diffed against its reports; silences in force hold notices back. */
  async #judge(domains: DomainConfig[], checked: CheckedBatch): Promise<JudgedBatch> {
    const previous = await this.#store.loadDomains(domains.map((domain) => domain.name));
    const now = this.#now();
    const silences = await this.#silences(now);
    const judged = this.#cluster
      ? await this.#judgeAsWorker(this.#cluster, domains, previous, checked, now, silences)
      : judgeBatch(this.#environment(), domains, previous, checked, await this.#store.global(), now, silences);
    for (const { notice, silence } of judged.silenced)
      this.#logger.info(
        { domain: notice.change?.domain, check: notice.change?.check, type: notice.type, silence: silence.id },
        'notice silenced (recorded in history, not sent)',
      );
    return judged;
  }

  /** The configuration's silences and the ones added with `mailwarden silence add`, in force now. */
  async #silences(now: Date): Promise<Silence[]> {
    return [...this.#configSilences, ...(await this.#store.listSilences(now.toISOString()))];
  }

  /**
   * In a cluster each worker asks its own resolver: one whose resolver fails holds its own batches and says so (one
   * resolver alert naming the worker, and one when it answers again) without touching the others' state. The resolver
   * state is this worker's, in memory: the shared global state would flap between a broken and a healthy worker. It is
   * mirrored in the cluster's worker table, from which the Alertmanager re-send and the cluster gauge read it.
   */
  async #judgeAsWorker(
    cluster: DaemonCluster,
    domains: DomainConfig[],
    previous: ReadonlyMap<string, DomainState>,
    checked: CheckedBatch,
    now: Date,
    silences: readonly Silence[],
  ): Promise<JudgedBatch> {
    const named = { ...checked, worker: cluster.workerId };
    const judged = judgeBatch(this.#environment(), domains, previous, named, this.#workerResolver, now, silences);
    const { global, ...write } = judged.write;
    if (global) {
      this.#workerResolver = global;
      await cluster.workers.setResolverDown(global.resolverDown);
    }
    return { ...judged, write };
  }

  /** Step 3: one transaction — states, history, standards, record versions, outbox — then the new due times. */
  async #remember(judged: JudgedBatch): Promise<void> {
    for (;;) {
      try {
        await this.#store.commitBatch(judged.write);
        break;
      } catch (error) {
        // The batch is held, not dropped: its confirmations and alerts are written once the database is back.
        // A stop gives up on it; its domains are marked in flight, so the next start checks them first.
        const message = error instanceof Error ? error.message : String(error);
        if (!this.#storeProblem)
          this.#logger.error({ error: message }, 'cannot save the batch; holding it and retrying');
        this.#storeProblem ??= { since: this.#now().toISOString(), message };
        if (this.#stopping) throw error;
        await this.#sleep(this.#storeRetryMs);
      }
    }
    if (this.#storeProblem) {
      this.#logger.info({ since: this.#storeProblem.since }, 'state database writable again');
      this.#storeProblem = undefined;
    }
    if (!this.#cluster) for (const [name, due] of judged.due) this.#queue.schedule(name, due);
    await this.#recheckDependents(judged);
  }

  /**
   * Root cause: when a thing many domains share (an MX address, a TLSA set, a zone, an SPF include) starts to look
   * worse for one of them, every domain that depends on it is checked now, so they confirm in the same wave and
   * their alert is one grouped notice rather than one per check slot. The index is rebuilt as domains are checked:
   * in memory for a single daemon; in a cluster in the database, so that the dependents every worker checked are
   * found, and their pending checks in the job engine are moved to now.
   */
  async #recheckDependents(judged: JudgedBatch): Promise<void> {
    if (this.#cluster) return this.#recheckDependentsInCluster(this.#cluster, judged);
    const now = this.#now().getTime();
    const inBatch = new Set(judged.write.domains.map((state) => state.domain));
    for (const state of judged.write.domains) {
      const findings = Object.values(state.findings).flatMap((tracked) =>
        tracked.confirmed ? [tracked.confirmed] : [],
      );
      this.#dependents.update(state.domain, findings);
    }
    const recheck = new Set<string>();
    for (const state of judged.write.domains) {
      for (const key of newlyWorseSharedKeys(state)) {
        const dependents = this.#dependents.dependents(key).filter((domain) => !inBatch.has(domain));
        for (const domain of dependents) recheck.add(domain);
        if (dependents.length > 0)
          this.#logger.info(
            { thing: key, domains: dependents.length },
            'shared thing looks worse: re-checking its domains now',
          );
      }
    }
    if (recheck.size === 0) return;
    for (const domain of recheck) this.#queue.schedule(domain, Math.min(now, this.#queue.dueAt(domain) ?? now));
  }

  /**
   * #recheckDependents for a worker: the batch's dependencies replace its domains' rows in the database, then the
   * dependents of what looks worse are brought forward in one statement. Best effort: the batch is saved; a failure
   * here only means the dependents wait for their own time.
   */
  async #recheckDependentsInCluster(cluster: DaemonCluster, judged: JudgedBatch): Promise<void> {
    const worse = new Set<string>();
    for (const state of judged.write.domains) for (const key of newlyWorseSharedKeys(state)) worse.add(key);
    try {
      await cluster.dependents.record(
        judged.write.domains.map((state) => ({ domain: state.domain, keys: dependencyKeysOf(state) })),
      );
      if (worse.size === 0) return;
      const inBatch = judged.write.domains.map((state) => state.domain);
      const moved = await cluster.dependents.bringForward([...worse], inBatch);
      for (const [thing, domains] of moved)
        this.#logger.info({ thing, domains }, 'shared thing looks worse: re-checking its domains now');
    } catch (error) {
      this.#logger.warn(
        { error: error instanceof Error ? error.message : String(error) },
        'could not record dependents or move them forward',
      );
    }
  }

  /** Step 4: the outbox rows are written; wake the delivery loop (in a cluster: the worker that delivers). */
  #notify(): void {
    this.#wake();
    void this.#cluster?.nudge(OUTBOX_JOB);
  }

  /** Runs until stop(): the check loop and the delivery loop side by side. */
  async run(): Promise<void> {
    await this.schedule();
    this.#running = true;
    const cluster = this.#cluster;
    if (cluster) {
      // In a cluster the outbox is delivered, and open alerts re-sent to Alertmanager, by one worker at a time
      // (cluster jobs), so each alert goes out once and the re-sends do not multiply with the workers.
      await cluster.every(OUTBOX_JOB, OUTBOX_PERIOD_SECONDS, () => this.deliver());
      await cluster.every(RESEND_JOB, this.#config.alertmanager.resendInterval / 1000, () => this.resendOpenAlerts());
      await this.#checkLoop();
    } else {
      await Promise.all([this.#checkLoop(), this.#deliveryLoop(), this.#resendLoop()]);
    }
    this.#running = false;
  }

  /**
   * Takes batches sized by work and overlaps their checks: a new batch starts while slots are idle (the running
   * batches' checks use fewer than `schedule.concurrency`), at most MAX_BATCHES_IN_FLIGHT at once, and none while a
   * batch is held by a database that cannot be written. A stop ends every running batch's checks early and saves
   * what they learned, one batch after the other.
   */
  async #checkLoop(): Promise<void> {
    const running = new Set<Promise<void>>();
    let claimAfter = 0;
    while (!this.#stopping) {
      const held = running.size > 0 && this.#storeProblem !== undefined;
      if (running.size >= MAX_BATCHES_IN_FLIGHT || this.#slots.idle === 0 || held) {
        await Promise.race([...running, this.#slots.released(), this.#stopped]);
        continue;
      }
      this.#lastTickAt = this.#now();
      const now = this.#now().getTime();
      let batch: TakenBatch | undefined;
      let wait: number;
      try {
        if (this.#cluster) {
          wait = claimAfter - now;
          if (wait <= 0) {
            batch = await this.#take();
            // a partial claim drained what is due: gather for a while before claiming again
            const full = batch !== undefined && batch.claimed!.domains.length >= this.#config.schedule.batchSize;
            claimAfter = now + (batch === undefined ? CLUSTER_POLL_MS : full ? 0 : this.#gatherMs());
          }
        } else {
          wait = this.#gatherWait(now);
          if (wait <= 0) batch = await this.#take();
        }
      } catch (error) {
        this.#logger.error(
          { error: error instanceof Error ? error.message : String(error) },
          'could not take a batch; trying again shortly',
        );
        wait = CLUSTER_POLL_MS;
      }
      if (batch) {
        let queued!: () => void;
        const checksQueued = new Promise<void>((resolve) => {
          queued = resolve;
        });
        const done: Promise<void> = this.#runBatch(batch, queued)
          .then(
            () => {},
            (error: unknown) =>
              this.#logger.error(
                { error: error instanceof Error ? error.message : String(error) },
                'batch failed; its domains are checked again shortly',
              ),
          )
          .finally(() => running.delete(done));
        running.add(done);
        // the next batch is considered once this one's domains wait for slots (or it ended)
        await Promise.race([checksQueued, done]);
        continue;
      }
      if (this.#stopping) break;
      await this.#sleep(Math.max(0, wait));
    }
    await Promise.all(running);
  }

  /** How long run() gathers due domains before starting a batch that is not full. */
  #gatherMs(): number {
    return Math.min(GATHER_MAX_MS, this.#config.schedule.interval * GATHER_FRACTION);
  }

  /**
   * How long to wait before taking the next batch from the queue (≤ 0: now). A full batch is taken at once, a
   * partial one once its earliest domain has been due for the gather window.
   */
  #gatherWait(now: number): number {
    const earliest = this.#queue.peek();
    if (earliest === undefined) return MAX_SLEEP_MS;
    if (earliest > now) return earliest - now;
    if (this.#queue.hasDue(now, this.#config.schedule.batchSize)) return 0;
    return earliest + this.#gatherMs() - now;
  }

  async #deliveryLoop(): Promise<void> {
    while (!this.#stopping) {
      let next: Date | undefined;
      try {
        // A stop does not wait for a receiver that hangs: what it was sending stays in the outbox for the next start.
        await Promise.race([this.deliver(), this.#stopped]);
        if (this.#stopping) break;
        next = await this.#outbox.nextAttemptAt();
      } catch (error) {
        this.#logger.error(
          { error: error instanceof Error ? error.message : String(error) },
          'alert delivery pass failed; retrying',
        );
      }
      if (this.#stopping) break;
      await this.#sleep(next === undefined ? MAX_SLEEP_MS : next.getTime() - this.#now().getTime());
    }
  }

  /**
   * Alertmanager forgets an alert it is not told about again within its resolve_timeout: every
   * `alertmanager.resendInterval` each open alert (and the resolver's, while it fails) is sent again, with an endsAt a
   * few intervals ahead. Only the Alertmanager channels take part; nothing is queued (the next interval sends again).
   */
  async #resendLoop(): Promise<void> {
    for (;;) {
      const due = this.#now().getTime() + this.#config.alertmanager.resendInterval;
      while (!this.#stopping && this.#now().getTime() < due) await this.#sleep(due - this.#now().getTime());
      if (this.#stopping) return;
      await this.resendOpenAlerts().catch((error: unknown) =>
        this.#logger.error({ error: error instanceof Error ? error.message : String(error) }, 'alert re-send failed'),
      );
    }
  }

  /** One round of Alertmanager re-sends (the re-send loop calls it; tests too). */
  async resendOpenAlerts(): Promise<void> {
    const now = this.#now();
    const silences = await this.#silences(now);
    // A cluster re-sends every live worker's resolver alert (from the worker table); the store's global state is a
    // single daemon's.
    const resolversDown = this.#cluster
      ? await this.#cluster.workers.resolversDown()
      : [(await this.#store.global()).resolverDown].filter((down) => down !== undefined);
    const outcomes = await resendToAlertmanagers(
      this.#channels,
      () => this.#store.openAlerts(),
      {
        tagsOf: (domain) => this.#domains.get(domain)?.tags ?? [],
        resolversDown,
        isSilenced: (row) =>
          silences.some((silence) =>
            silenceMatches(
              silence,
              { domain: row.domain, check: row.check, tags: this.#domains.get(row.domain)?.tags ?? [] },
              now,
            ),
          ),
      },
      now,
    );
    for (const outcome of outcomes) {
      if (outcome.error) this.#logger.warn(outcome, 'alertmanager re-send failed; the next interval tries again');
      else this.#logger.debug(outcome, 'open alerts re-sent to alertmanager');
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, Math.min(MAX_SLEEP_MS, ms)));
      this.#wakers.add(done);
    });
  }

  #wake(): void {
    for (const wake of [...this.#wakers]) wake();
  }

  /** Stop taking work; the batch in flight ends early (its DNS fails fast from now on) and is saved. */
  stop(): void {
    this.#stopping = true;
    this.#stop.abort();
    this.#wake();
  }
}
