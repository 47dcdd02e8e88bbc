/** The configured notice channels (config.ts `notify`), built once for the digest job. */
import type { AppConfig } from '../config.ts';
import type { DigestChannels } from './inbox.ts';
import { smtpChannel, webhookChannel } from './outbound.ts';

export function notifyChannels(notify: AppConfig['notify']): DigestChannels {
  return {
    ...(notify.smtp ? { smtp: smtpChannel(notify.smtp) } : {}),
    ...(notify.webhook ? { webhook: webhookChannel({ url: notify.webhook.url, ...(notify.webhook.token ? { token: notify.webhook.token } : {}) }) } : {}),
  };
}
