import type { Logger } from 'pino';
import type { ChannelConfig } from '../config/schema.ts';
import type { AlertmanagerOptions } from './alertmanager.ts';
import type { Channel } from './channel.ts';
import { EmailChannel } from './email.ts';
import { LogChannel } from './log-channel.ts';
import { SlackChannel } from './slack.ts';
import { WebhookChannel } from './webhook.ts';

/** Settings beyond one channel's own: `alertmanager.resendInterval` and `http.publicUrl` of the configuration. */
export interface ChannelOptions {
  alertmanager?: AlertmanagerOptions;
}

export function createChannel(
  name: string,
  config: ChannelConfig,
  logger: Logger,
  options: ChannelOptions = {},
): Channel {
  const channel = mediumOf(name, config, logger, options);
  return config.language ? Object.assign(channel, { language: config.language }) : channel;
}

function mediumOf(name: string, config: ChannelConfig, logger: Logger, options: ChannelOptions): Channel {
  switch (config.type) {
    case 'slack':
      return new SlackChannel(name, config.url, config.timeout);
    case 'email':
      return new EmailChannel(name, config);
    case 'webhook':
      return new WebhookChannel(name, config, options.alertmanager);
    case 'log':
      return new LogChannel(name, logger);
  }
}

export function createChannels(
  configs: Record<string, ChannelConfig>,
  logger: Logger,
  options: ChannelOptions = {},
): Map<string, Channel> {
  return new Map(Object.entries(configs).map(([name, config]) => [name, createChannel(name, config, logger, options)]));
}

/** The channel options a loaded configuration implies. */
export function channelOptionsOf(config: {
  alertmanager: { resendInterval: number };
  http: { publicUrl?: string | undefined };
}): ChannelOptions {
  const alertmanager: AlertmanagerOptions = { resendInterval: config.alertmanager.resendInterval };
  if (config.http.publicUrl !== undefined) alertmanager.publicUrl = config.http.publicUrl;
  return { alertmanager };
}
