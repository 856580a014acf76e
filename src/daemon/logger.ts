import { type Logger, pino } from 'pino';
import pretty from 'pino-pretty';

/** `auto`: readable lines on a terminal, JSON (one object a line, for log shippers) everywhere else. */
export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export function createLogger(
  level: string,
  destination: NodeJS.WritableStream = process.stdout,
  format: LogFormat = 'auto',
): Logger {
  const options = { level, base: { service: 'mailwarden' }, timestamp: pino.stdTimeFunctions.isoTime };
  const terminal = (destination as NodeJS.WriteStream).isTTY === true;
  if (format === 'json' || (format === 'auto' && !terminal)) return pino(options, destination);
  const prettyStream = pretty({
    destination,
    sync: true,
    colorize: terminal && !process.env.NO_COLOR,
    translateTime: 'SYS:yyyy-mm-dd HH:MM:ss',
    ignore: 'pid,hostname,service',
  });
  return pino(options, prettyStream);
}
