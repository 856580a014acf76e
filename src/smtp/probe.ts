import type net from 'node:net';
import type tls from 'node:tls';
import {
  LEGACY_ONLY_TLS,
  openConnection,
  PERMISSIVE_TLS,
  ProbeStepError,
  type TlsUpgradeOptions,
  upgradeToTls,
} from './connection.ts';
import { ReplyReader, SmtpReadError, type SmtpReply } from './reply-reader.ts';
import type { LegacyTlsVerdict, ProbeSettings, SmtpProbeResult, TlsSessionFacts } from './types.ts';

const EVIDENCE_LINES = 20;
const EVIDENCE_LINE_LENGTH = 300;
const QUIT_WAIT_MS = 2_000;

/** Server text for evidence: raw, but bounded in line count and length. */
function boundedLines(lines: readonly string[]): string[] {
  const kept = lines
    .slice(0, EVIDENCE_LINES)
    .map((line) => (line.length > EVIDENCE_LINE_LENGTH ? `${line.slice(0, EVIDENCE_LINE_LENGTH)}…` : line));
  if (lines.length > EVIDENCE_LINES) kept.push(`… ${lines.length - EVIDENCE_LINES} more lines`);
  return kept;
}

function readFailure(error: unknown, stage: string): ProbeStepError {
  if (error instanceof ProbeStepError) return error;
  if (error instanceof SmtpReadError) {
    const outcome =
      error.failure === 'timeout'
        ? 'timeout'
        : error.failure === 'network' || error.failure === 'closed'
          ? 'network-error'
          : 'protocol-error';
    return new ProbeStepError(outcome, `${stage}: ${error.message}`);
  }
  return new ProbeStepError('network-error', `${stage}: ${error instanceof Error ? error.message : String(error)}`);
}

/** 4xx (421 above all) is the server asking us to come back later; 5xx is a refusal of this client. */
function unexpectedReply(reply: SmtpReply, stage: string): ProbeStepError {
  const text = `${stage}: server replied ${reply.code} ${(reply.lines[0] ?? '').slice(0, 200)}`;
  if (reply.code >= 400 && reply.code < 500) return new ProbeStepError('rate-limited', text);
  return new ProbeStepError('rejected', text);
}

function offersStartTls(ehloLines: readonly string[]): boolean {
  return ehloLines.slice(1).some((line) => /^STARTTLS(\s|$)/i.test(line.trim()));
}

function send(stream: net.Socket | tls.TLSSocket, command: string): void {
  stream.write(`${command}\r\n`);
}

/**
 * Best-effort QUIT: send it, give the server a moment to answer 221, close, and wait until the socket is closed.
 * Over TLS, `plain` is the TCP socket under it: wait for its handle to be closed as well, so that the next
 * conversation with this address (legacy handshake, another MX name) starts only after this TCP connection is gone.
 */
async function quit(stream: net.Socket | tls.TLSSocket, reader: ReplyReader, plain?: net.Socket): Promise<void> {
  try {
    send(stream, 'QUIT');
    await reader.readReply(QUIT_WAIT_MS);
  } catch {
    // the server may close without 221; nothing depends on it
  } finally {
    reader.detach();
    await closeFully(stream);
    if (plain) await destroyed(plain);
  }
}

/** Destroy a socket and wait until its handle is really closed (then the kernel has sent our FIN). */
function destroyed(socket: net.Socket): Promise<void> {
  if (socket.closed) return Promise.resolve();
  return new Promise((resolve) => {
    socket.once('close', () => resolve());
    socket.destroy();
  });
}

/** End our side and wait for 'close' (bounded), so the next connection to this address starts after this one ended. */
function closeFully(stream: net.Socket | tls.TLSSocket): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed) {
      resolve();
      return;
    }
    const timer = setTimeout(() => stream.destroy(), QUIT_WAIT_MS);
    stream.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    stream.on('error', () => {});
    stream.resume();
    stream.end();
  });
}

function sessionFacts(secure: tls.TLSSocket): TlsSessionFacts {
  const cipher = secure.getCipher();
  const ephemeral = secure.getEphemeralKeyInfo();
  const chain: string[] = [];
  const seen = new Set<unknown>();
  let cert: tls.DetailedPeerCertificate | undefined = secure.getPeerCertificate(true);
  while (cert?.raw && !seen.has(cert) && chain.length < 20) {
    seen.add(cert);
    chain.push(cert.raw.toString('base64'));
    cert = cert.issuerCertificate === cert ? undefined : cert.issuerCertificate;
  }
  const facts: TlsSessionFacts = {
    version: secure.getProtocol() ?? 'unknown',
    cipher: cipher.name,
    cipherStandardName: cipher.standardName,
    chain,
  };
  if (ephemeral && 'name' in ephemeral) {
    facts.keyExchange = { type: ephemeral.type, name: ephemeral.name, size: ephemeral.size };
  }
  return facts;
}

/** Told about every TCP connection of one probe, so its deadline can end them all. */
type Track = (socket: net.Socket) => void;

/**
 * The total deadline of one probe of one address (banner + EHLO + STARTTLS + EHLO + QUIT, and the legacy
 * handshake): every per-step timeout may be honoured and still add up, and a slow-loris server answers each step
 * just in time. At the deadline every connection of the probe is destroyed.
 */
function probeDeadline(totalMs: number | undefined): { track: Track; passed(): boolean; clear(): void } {
  const sockets = new Set<net.Socket>();
  let passed = false;
  const timer =
    totalMs === undefined
      ? undefined
      : setTimeout(() => {
          passed = true;
          for (const socket of sockets) socket.destroy();
        }, totalMs);
  return {
    track: (socket) => {
      if (passed) socket.destroy();
      else sockets.add(socket);
    },
    passed: () => passed,
    clear: () => clearTimeout(timer),
  };
}

interface Conversation {
  socket: net.Socket;
  reader: ReplyReader;
}

/** Connect, read the whole greeting, EHLO. Fills the result as it goes. */
async function greetAndEhlo(
  address: string,
  settings: ProbeSettings,
  result: SmtpProbeResult,
  track: Track = () => {},
): Promise<Conversation> {
  result.stage = 'connect';
  const socket = await openConnection(address, settings.port, settings.connectTimeoutMs);
  track(socket);
  const reader = new ReplyReader();
  reader.attach(socket);
  try {
    result.stage = 'banner';
    const banner = await reader.readReply(settings.bannerTimeoutMs).catch((error: unknown) => {
      throw readFailure(error, 'greeting');
    });
    result.banner = boundedLines(banner.lines);
    if (banner.code !== 220) throw unexpectedReply(banner, 'greeting');
    result.stage = 'ehlo';
    send(socket, `EHLO ${settings.ehloName}`);
    const ehlo = await reader.readReply(settings.commandTimeoutMs).catch((error: unknown) => {
      throw readFailure(error, 'EHLO');
    });
    result.ehlo = boundedLines(ehlo.lines);
    if (ehlo.code !== 250) throw unexpectedReply(ehlo, 'EHLO');
    result.starttlsOffered = offersStartTls(ehlo.lines);
    return { socket, reader };
  } catch (error) {
    if (error instanceof ProbeStepError && error.outcome === 'timeout') {
      // a server that did not answer in time will not answer QUIT either: waiting for it would only add seconds
      reader.detach();
      await destroyed(socket);
    } else await quit(socket, reader);
    throw error;
  }
}

/** Send STARTTLS and upgrade; rejects with a classified ProbeStepError. */
async function startTls(
  conversation: Conversation,
  mx: string,
  settings: ProbeSettings,
  options: TlsUpgradeOptions,
): Promise<tls.TLSSocket> {
  const { socket, reader } = conversation;
  send(socket, 'STARTTLS');
  const reply = await reader.readReply(settings.commandTimeoutMs).catch((error: unknown) => {
    throw readFailure(error, 'STARTTLS');
  });
  if (reply.code !== 220) {
    const failure = unexpectedReply(reply, 'STARTTLS');
    throw reply.code >= 500 || reply.code === 454 ? new ProbeStepError('starttls-rejected', failure.message) : failure;
  }
  // anything the server sent after its 220 is dropped: it must not be read as if it came over TLS (CVE-2011-0411)
  reader.detach();
  return upgradeToTls(socket, mx, options, settings.commandTimeoutMs);
}

function emptyResult(mx: string, address: string, settings: ProbeSettings): SmtpProbeResult {
  return {
    mx,
    address,
    port: settings.port,
    outcome: 'network-error',
    stage: 'connect',
    banner: [],
    ehlo: [],
    starttlsOffered: false,
    attempts: 1,
    durationMs: 0,
    probedAt: new Date().toISOString(),
  };
}

/**
 * One polite conversation with one MX address: greeting, EHLO, STARTTLS with SNI = the MX name, EHLO again, QUIT.
 * Never further. Never throws: every failure is an outcome.
 */
export async function probeSmtpOnce(mx: string, address: string, settings: ProbeSettings): Promise<SmtpProbeResult> {
  const started = Date.now();
  const result = emptyResult(mx, address, settings);
  const deadline = probeDeadline(settings.totalTimeoutMs);
  try {
    const conversation = await greetAndEhlo(address, settings, result, deadline.track);
    if (!result.starttlsOffered) {
      result.outcome = 'no-starttls';
      result.detail = 'STARTTLS not offered in the EHLO reply';
      await quit(conversation.socket, conversation.reader);
      return result;
    }
    result.stage = 'starttls';
    let secure: tls.TLSSocket;
    try {
      secure = await startTls(conversation, mx, settings, PERMISSIVE_TLS);
    } catch (error) {
      await destroyed(conversation.socket);
      throw error;
    }
    result.stage = 'ehlo-tls';
    result.tls = sessionFacts(secure);
    const reader = new ReplyReader();
    reader.attach(secure);
    try {
      send(secure, `EHLO ${settings.ehloName}`);
      const ehlo = await reader.readReply(settings.commandTimeoutMs);
      result.ehloTls = boundedLines(ehlo.lines);
    } catch (error) {
      // TLS worked; a server that stumbles on the second EHLO is noted, not failed
      result.detail = `EHLO after STARTTLS: ${error instanceof Error ? error.message : String(error)}`;
    }
    await quit(secure, reader, conversation.socket);
    result.outcome = 'ok';
    result.stage = 'done';
    if (settings.legacyTls) result.legacy = await legacyVerdict(mx, address, settings, result.tls, deadline.track);
  } catch (error) {
    const failure = readFailure(error, result.stage);
    result.outcome = deadline.passed() ? 'timeout' : failure.outcome;
    result.detail = deadline.passed()
      ? `${result.stage}: the probe passed its total deadline of ${settings.totalTimeoutMs! / 1000} s (checks.transport.probeDeadline)`
      : failure.message;
  } finally {
    deadline.clear();
    result.durationMs = Date.now() - started;
  }
  if (deadline.passed()) {
    result.deadlinePassed = true;
    result.deadlineMs = settings.totalTimeoutMs!;
  }
  return result;
}

const UNTESTABLE_CODES = new Set([
  'ERR_SSL_NO_PROTOCOLS_AVAILABLE',
  'ERR_SSL_NO_CIPHERS_AVAILABLE',
  'ERR_SSL_NO_CIPHER_MATCH',
]);

async function legacyVerdict(
  mx: string,
  address: string,
  settings: ProbeSettings,
  main: TlsSessionFacts,
  track: Track,
): Promise<LegacyTlsVerdict> {
  if (main.version === 'TLSv1' || main.version === 'TLSv1.1') {
    return { result: 'accepted', version: main.version, cipher: main.cipher };
  }
  return probeLegacyTls(mx, address, settings, track);
}

/**
 * A second, deliberately limited conversation: greeting, EHLO, STARTTLS, then a handshake that offers only TLS 1.0
 * and 1.1, then QUIT. Honest about the local OpenSSL: when it cannot offer those versions, the answer is untestable.
 */
export async function probeLegacyTls(
  mx: string,
  address: string,
  settings: ProbeSettings,
  track: Track = () => {},
): Promise<LegacyTlsVerdict> {
  const scratch = emptyResult(mx, address, settings);
  let conversation: Conversation;
  try {
    conversation = await greetAndEhlo(address, settings, scratch, track);
  } catch (error) {
    return { result: 'error', detail: readFailure(error, scratch.stage).message };
  }
  if (!scratch.starttlsOffered) {
    await quit(conversation.socket, conversation.reader);
    return { result: 'error', detail: 'STARTTLS not offered on the second connection' };
  }
  try {
    const secure = await startTls(conversation, mx, settings, LEGACY_ONLY_TLS);
    const cipher = secure.getCipher();
    const verdict: LegacyTlsVerdict = {
      result: 'accepted',
      version: secure.getProtocol() ?? 'unknown',
      cipher: cipher.name,
    };
    const reader = new ReplyReader();
    reader.attach(secure);
    await quit(secure, reader, conversation.socket);
    return verdict;
  } catch (error) {
    await destroyed(conversation.socket);
    const failure = readFailure(error, 'legacy handshake');
    if (failure.code !== undefined && UNTESTABLE_CODES.has(failure.code)) {
      return { result: 'untestable', detail: `the local OpenSSL cannot offer TLS 1.0/1.1: ${failure.message}` };
    }
    if (failure.outcome === 'tls-failed') return { result: 'refused', detail: failure.message };
    return { result: 'error', detail: failure.message };
  }
}
