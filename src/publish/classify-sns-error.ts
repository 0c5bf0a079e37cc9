import type { BatchResultErrorEntry } from '@aws-sdk/client-sns';
import { maskPhonesIn } from '../observability/mask.js';
import type { PublishReason } from '../observability/metrics.js';
import { PublishError } from './publisher.js';

// Names as the SDK surfaces them (domain.md 1.8): match on `err.name`, never on the wire code.
const throttled = ['ThrottledException', 'Throttling', 'ThrottlingException', 'KMSThrottlingException'];
const server = ['InternalErrorException', 'InternalFailure', 'ServiceUnavailable', 'ServiceUnavailableException'];
const timeout = ['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'AbortError'];
const auth = [
  'AuthorizationErrorException',
  'InvalidSecurityException',
  'CredentialsProviderError',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'ExpiredTokenException',
  'UnrecognizedClientException',
];
const client = [
  'InvalidParameterException',
  'InvalidParameterValueException',
  'ValidationException',
  'NotFoundException',
  'ResourceNotFoundException',
  'KMSAccessDeniedException',
  'KMSDisabledException',
  'KMSInvalidStateException',
  'KMSNotFoundException',
  'KMSOptInRequired',
  'EndpointDisabledException',
  'PlatformApplicationDisabledException',
  'OptedOutException',
  'InvalidStateException',
  'UserErrorException',
  'BatchEntryIdsNotDistinctException',
  'EmptyBatchRequestException',
  'InvalidBatchEntryIdException',
  'TooManyEntriesInBatchRequestException',
];
const tooLarge = ['BatchRequestTooLongException'];
const networkCodes = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** Error names worth a zero series from the start, so alerts see their first occurrence with `increase()`. */
export const alertingErrorNames = {
  permanent: [...auth, 'InvalidParameterException', 'InvalidParameterValueException', 'NotFoundException', 'KMSAccessDeniedException'],
  retryable: [...throttled, 'InternalErrorException', 'TimeoutError', 'ECONNRESET', 'ECONNREFUSED', 'CircuitOpen'],
} as const;

const reasonByName = new Map<string, PublishReason>([
  ...throttled.map((n) => [n, 'throttled'] as const),
  ...server.map((n) => [n, 'server'] as const),
  ...timeout.map((n) => [n, 'timeout'] as const),
  ...auth.map((n) => [n, 'auth'] as const),
  ...client.map((n) => [n, 'client'] as const),
  ...tooLarge.map((n) => [n, 'too_large'] as const),
]);
const retryableReasons = new Set<PublishReason>(['throttled', 'server', 'timeout', 'network']);
const tooLargeText = /too long|too large|too big|exceeds? .*(size|length|limit)/i;

interface ErrorFacts {
  readonly name: string;
  readonly message: string;
  readonly code: string | undefined;
  readonly status: number | undefined;
  readonly serverFault: boolean;
}

function field(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null || !(key in value)) return undefined;
  return (value as Record<string, unknown>)[key];
}

function facts(err: unknown): ErrorFacts {
  const name = field(err, 'name');
  const message = field(err, 'message');
  const code = field(err, 'code');
  const status = field(field(err, '$metadata'), 'httpStatusCode');
  return {
    name: typeof name === 'string' ? name : 'Unknown',
    message: typeof message === 'string' ? message : String(err),
    code: typeof code === 'string' ? code : undefined,
    status: typeof status === 'number' ? status : undefined,
    serverFault: field(err, '$fault') === 'server',
  };
}

function reasonOf(f: ErrorFacts): { reason: PublishReason; errorName: string } {
  const known = reasonByName.get(f.name);
  const errorName = known === undefined ? 'Unknown' : f.name;
  if (known === 'throttled' || f.status === 429) return { reason: 'throttled', errorName };
  if (f.name === 'AbortError') return { reason: 'timeout', errorName };
  // A reset socket surfaces as TimeoutError with code ECONNRESET; only ETIMEDOUT on a TimeoutError is a timeout.
  const requestTimedOut = f.name === 'TimeoutError' && f.code === 'ETIMEDOUT';
  if (!requestTimedOut && f.code !== undefined && networkCodes.has(f.code)) return { reason: 'network', errorName: f.code };
  if (f.message === 'socket hang up') return { reason: 'network', errorName: 'ECONNRESET' };
  if (known === 'timeout' || f.name.startsWith('RequestTimeout')) return { reason: 'timeout', errorName };
  if (known === 'client' && tooLargeText.test(f.message)) return { reason: 'too_large', errorName };
  if (known !== undefined) return { reason: known, errorName };
  if (f.serverFault || (f.status !== undefined && f.status >= 500)) return { reason: 'server', errorName };
  return { reason: 'client', errorName };
}

/** Maps any SDK, network or credential error to a PublishError: retryable or permanent, bounded reason and name. */
export function classifySnsError(err: unknown): PublishError {
  if (err instanceof PublishError) return err;
  const f = facts(err);
  const { reason, errorName } = reasonOf(f);
  return new PublishError(maskPhonesIn(f.message), { retryable: retryableReasons.has(reason), reason, errorName, cause: err });
}

/** SDK error names from PublishBatch `Failed[].Code` wire codes (domain.md 1.8: the names differ from the codes). */
function nameOfWireCode(code: string): string {
  if (code === 'ParameterValueInvalid') return 'InvalidParameterValueException';
  if (reasonByName.has(code)) return code;
  return `${code}Exception`;
}

/** Classifies one failed PublishBatch entry like a failed Publish of that message. */
export function classifyBatchEntryError(entry: BatchResultErrorEntry): PublishError {
  return classifySnsError({
    name: nameOfWireCode(entry.Code ?? 'Unknown'),
    message: entry.Message ?? entry.Code ?? 'PublishBatch entry failed',
    $fault: entry.SenderFault === false ? 'server' : 'client',
  });
}
