import { randomUUID } from 'node:crypto';
import type { SourceConfig } from '../config/config.js';
import { schemes } from './schemes.js';

/** What `snsgate sign` knows: the source, one secret value, the exact body and the clock. */
export interface SignWebhookRequestInput {
  readonly source: Pick<SourceConfig, 'scheme' | 'options'>;
  readonly secret: string;
  readonly body: Buffer;
  readonly now: Date;
  /** The delivery id for schemes that send one; a random UUID otherwise. */
  readonly id?: string;
}

/**
 * The headers the source's sender would send with `body`, signed with `secret` (delegates to the
 * scheme's `sign`). Throws on invalid options or a secret the scheme cannot use.
 */
export function signWebhookRequest(input: SignWebhookRequestInput): Record<string, string> {
  const scheme = schemes[input.source.scheme];
  const options = scheme.parseOptions(input.source.options);
  return scheme.sign({ secret: input.secret, body: input.body, now: input.now, id: input.id ?? randomUUID(), options });
}
