import type { SchemeName } from '../config/config.js';
import { basicScheme } from './basic.js';
import { bearerScheme } from './bearer.js';
import { githubScheme } from './github.js';
import { grafanaScheme } from './grafana.js';
import { hmacScheme } from './hmac.js';
import { shopifyScheme } from './shopify.js';
import type { SignatureScheme } from './signature-scheme.js';
import { slackScheme } from './slack.js';
import { standardWebhooksScheme } from './standard-webhooks.js';
import { stripeScheme } from './stripe.js';

/** Every signature scheme, one line each, keyed by the name config uses. */
export const schemes: Readonly<Record<SchemeName, SignatureScheme>> = {
  'standard-webhooks': standardWebhooksScheme,
  github: githubScheme,
  shopify: shopifyScheme,
  stripe: stripeScheme,
  slack: slackScheme,
  grafana: grafanaScheme,
  hmac: hmacScheme,
  bearer: bearerScheme,
  basic: basicScheme,
};
