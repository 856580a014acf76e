import type { Logger } from 'pino';
import type { Channel, Delivery } from './channel.ts';
import { renderText } from './digest.ts';

/** Writes alerts to the daemon's log: the channel that works out of the box, with nothing to configure. */
export class LogChannel implements Channel {
  readonly type = 'log';
  readonly name: string;
  readonly #logger: Logger;

  constructor(name: string, logger: Logger) {
    this.name = name;
    this.#logger = logger;
  }

  async send(delivery: Delivery): Promise<void> {
    this.#logger.warn(
      { channel: this.name, route: delivery.route, id: delivery.idempotencyKey, notices: delivery.notices.length },
      `ALERT ${renderText(delivery.digest)}`,
    );
  }

  secrets(): string[] {
    return [];
  }
}
