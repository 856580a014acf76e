import type { Logger } from 'pino';
import type { ChannelConfig } from '../config/schema.ts';
import type { Channel } from './channel.ts';
import { EmailChannel } from './email.ts';
import { LogChannel } from './log-channel.ts';
import { SlackChannel } from './slack.ts';
import { WebhookChannel } from './webhook.ts';

export function createChannel(name: string, config: ChannelConfig, logger: Logger): Channel {
  const channel = mediumOf(name, config, logger);
  return config.language ? Object.assign(channel, { language: config.language }) : channel;
}

function mediumOf(name: string, config: ChannelConfig, logger: Logger): Channel {
  switch (config.type) {
    case 'slack':
      return new SlackChannel(name, config.url);
    case 'email':
      return new EmailChannel(name, config);
    case 'webhook':
      return new WebhookChannel(name, config);
    case 'log':
      return new LogChannel(name, logger);
  }
}

export function createChannels(configs: Record<string, ChannelConfig>, logger: Logger): Map<string, Channel> {
  return new Map(Object.entries(configs).map(([name, config]) => [name, createChannel(name, config, logger)]));
}
