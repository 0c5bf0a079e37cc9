import type { SNSClient } from '@aws-sdk/client-sns';
import type { Config } from '../config/config.js';
import type { Logger } from '../observability/logger.js';
import { createDryRunPublisher } from './dry-run-publisher.js';
import type { BatchPublisher } from './publisher.js';
import { createSnsPublisher } from './sns-publisher.js';

/** What publishers are built from; the SNS client is made in main.ts, and only when `kind` is `sns`. */
export interface PublisherDeps {
  readonly logger: Logger;
  readonly snsClient?: Pick<SNSClient, 'send'>;
}

type PublisherFactory = (config: Config['publisher'], deps: PublisherDeps) => BatchPublisher;

/** Every publisher, one line each. */
const publishers = {
  sns: (config, deps) => createSnsPublisher({ client: requireClient(deps), callTimeoutMs: config.sns.callTimeoutMs }),
  'dry-run': (_config, deps) => createDryRunPublisher({ logger: deps.logger }),
} satisfies Record<Config['publisher']['kind'], PublisherFactory>;

function requireClient(deps: PublisherDeps): Pick<SNSClient, 'send'> {
  if (deps.snsClient === undefined) throw new TypeError('publisher.kind is sns but no SNS client was given');
  return deps.snsClient;
}

/** The publisher named by `publisher.kind`, from the registry above. */
export function createPublisher(config: Config['publisher'], deps: PublisherDeps): BatchPublisher {
  return publishers[config.kind](config, deps);
}
