import http from 'node:http';
import https from 'node:https';
import type { SNSClientConfig } from '@aws-sdk/client-sns';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Config } from '../config/config.js';

/** What tests and the CLI may pin; production passes nothing and lets the SDK's own chain decide. */
export type SnsClientOverrides = Pick<SNSClientConfig, 'region' | 'credentials' | 'endpoint'>;

/**
 * The one SNS client of the process. Region, credentials and endpoint come from the SDK's own chain
 * (`AWS_REGION`, env keys, profiles, IMDS/ECS/IRSA roles, and `AWS_ENDPOINT_URL_SNS`, which the SDK
 * reads by itself since 3.4xx). Keep-alive sockets sized by `maxSockets`, explicit connection and
 * request timeouts that throw, and bounded SDK retries.
 */
export function createSnsClient(config: Config['publisher']['sns'], overrides: SnsClientOverrides = {}): SNSClient {
  const agentOptions = { keepAlive: true, maxSockets: config.maxSockets };
  return new SNSClient({
    ...overrides,
    maxAttempts: config.maxAttempts,
    retryMode: config.retryMode,
    requestHandler: {
      connectionTimeout: config.connectionTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      // Without it a request timeout only logs a warning and the call keeps waiting (domain.md 2.3).
      throwOnRequestTimeout: true,
      httpAgent: new http.Agent(agentOptions),
      httpsAgent: new https.Agent(agentOptions),
    },
  });
}
