import { type Logger, pino } from 'pino';

export function createLogger(level: string, destination: NodeJS.WritableStream = process.stdout): Logger {
  return pino({ level, base: { service: 'mailwarden' }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}
