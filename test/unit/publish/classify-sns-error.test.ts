import { expect } from 'chai';
import {
  AuthorizationErrorException,
  InternalErrorException,
  InvalidParameterException,
  InvalidParameterValueException,
  KMSThrottlingException,
  SNSServiceException,
  ThrottledException,
} from '@aws-sdk/client-sns';
import { classifyBatchEntryError, classifySnsError } from '../../../src/publish/classify-sns-error.js';
import { PublishError } from '../../../src/publish/publisher.js';

const meta = (httpStatusCode: number) => ({ $metadata: { httpStatusCode, attempts: 1 } });
const service = (name: string, status: number, message = `${name} happened`) =>
  new SNSServiceException({ name, message, $fault: status >= 500 ? 'server' : 'client', ...meta(status) });
const nodeError = (fields: { name?: string; code?: string; message: string }) =>
  Object.assign(new Error(fields.message), fields.name === undefined ? {} : { name: fields.name }, fields.code === undefined ? {} : { code: fields.code });

describe('classifySnsError', () => {
  const cases: { given: string; err: unknown; retryable: boolean; reason: string; errorName: string }[] = [
    { given: 'ThrottledException (429)', err: new ThrottledException({ message: 'Rate exceeded', ...meta(429) }), retryable: true, reason: 'throttled', errorName: 'ThrottledException' },
    { given: 'Throttling (400)', err: service('Throttling', 400), retryable: true, reason: 'throttled', errorName: 'Throttling' },
    { given: 'ThrottlingException (400)', err: service('ThrottlingException', 400), retryable: true, reason: 'throttled', errorName: 'ThrottlingException' },
    { given: 'KMSThrottlingException', err: new KMSThrottlingException({ message: 'slow down', ...meta(400) }), retryable: true, reason: 'throttled', errorName: 'KMSThrottlingException' },
    { given: 'an unknown name with HTTP 429', err: service('SlowDown', 429), retryable: true, reason: 'throttled', errorName: 'Unknown' },
    { given: 'InternalErrorException (500)', err: new InternalErrorException({ message: 'oops', ...meta(500) }), retryable: true, reason: 'server', errorName: 'InternalErrorException' },
    { given: 'an HTML 502 from a proxy', err: service('Unknown', 502, 'Unknown'), retryable: true, reason: 'server', errorName: 'Unknown' },
    { given: 'an unknown name with $fault server', err: service('Weird', 501), retryable: true, reason: 'server', errorName: 'Unknown' },
    { given: 'the request timeout (TimeoutError ETIMEDOUT)', err: nodeError({ name: 'TimeoutError', code: 'ETIMEDOUT', message: 'requestTimeout' }), retryable: true, reason: 'timeout', errorName: 'TimeoutError' },
    { given: 'our call timeout (AbortError)', err: nodeError({ name: 'AbortError', message: 'Request aborted' }), retryable: true, reason: 'timeout', errorName: 'AbortError' },
    { given: 'RequestTimeoutException', err: service('RequestTimeoutException', 408), retryable: true, reason: 'timeout', errorName: 'RequestTimeoutException' },
    { given: 'a reset socket (TimeoutError ECONNRESET)', err: nodeError({ name: 'TimeoutError', code: 'ECONNRESET', message: 'socket hang up' }), retryable: true, reason: 'network', errorName: 'ECONNRESET' },
    { given: 'ECONNREFUSED', err: nodeError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' }), retryable: true, reason: 'network', errorName: 'ECONNREFUSED' },
    { given: 'ENOTFOUND', err: nodeError({ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND sns.invalid' }), retryable: true, reason: 'network', errorName: 'ENOTFOUND' },
    { given: 'EAI_AGAIN', err: nodeError({ code: 'EAI_AGAIN', message: 'getaddrinfo EAI_AGAIN' }), retryable: true, reason: 'network', errorName: 'EAI_AGAIN' },
    { given: 'ETIMEDOUT on a plain socket error', err: nodeError({ code: 'ETIMEDOUT', message: 'connect ETIMEDOUT' }), retryable: true, reason: 'network', errorName: 'ETIMEDOUT' },
    { given: '"socket hang up" without a code', err: nodeError({ message: 'socket hang up' }), retryable: true, reason: 'network', errorName: 'ECONNRESET' },
    { given: 'AuthorizationErrorException', err: new AuthorizationErrorException({ message: 'no', ...meta(403) }), retryable: false, reason: 'auth', errorName: 'AuthorizationErrorException' },
    { given: 'InvalidSecurityException', err: service('InvalidSecurityException', 403), retryable: false, reason: 'auth', errorName: 'InvalidSecurityException' },
    { given: 'CredentialsProviderError', err: nodeError({ name: 'CredentialsProviderError', message: 'Could not load credentials from any providers' }), retryable: false, reason: 'auth', errorName: 'CredentialsProviderError' },
    { given: 'InvalidParameterException', err: new InvalidParameterException({ message: 'Invalid parameter: PhoneNumber', ...meta(400) }), retryable: false, reason: 'client', errorName: 'InvalidParameterException' },
    { given: 'InvalidParameterValueException', err: new InvalidParameterValueException({ message: 'bad', ...meta(400) }), retryable: false, reason: 'client', errorName: 'InvalidParameterValueException' },
    { given: 'ValidationException', err: service('ValidationException', 400), retryable: false, reason: 'client', errorName: 'ValidationException' },
    { given: 'NotFoundException', err: service('NotFoundException', 404), retryable: false, reason: 'client', errorName: 'NotFoundException' },
    { given: 'KMSDisabledException', err: service('KMSDisabledException', 400), retryable: false, reason: 'client', errorName: 'KMSDisabledException' },
    { given: 'EndpointDisabledException', err: service('EndpointDisabledException', 400), retryable: false, reason: 'client', errorName: 'EndpointDisabledException' },
    { given: 'PlatformApplicationDisabledException', err: service('PlatformApplicationDisabledException', 400), retryable: false, reason: 'client', errorName: 'PlatformApplicationDisabledException' },
    { given: 'InvalidParameter "Message too long"', err: new InvalidParameterException({ message: 'Invalid parameter: Message too long', ...meta(400) }), retryable: false, reason: 'too_large', errorName: 'InvalidParameterException' },
    { given: 'BatchRequestTooLongException', err: service('BatchRequestTooLongException', 400), retryable: false, reason: 'too_large', errorName: 'BatchRequestTooLongException' },
    { given: 'an unknown 4xx name', err: service('BrandNewException', 400), retryable: false, reason: 'client', errorName: 'Unknown' },
    { given: 'a thrown string', err: 'boom', retryable: false, reason: 'client', errorName: 'Unknown' },
  ];
  for (const c of cases) {
    it(`classifies ${c.given} as ${c.retryable ? 'retryable' : 'permanent'} ${c.reason}`, () => {
      const error = classifySnsError(c.err);
      expect(error).to.be.instanceOf(PublishError);
      expect({ retryable: error.retryable, reason: error.reason, errorName: error.errorName }).to.deep.equal({
        retryable: c.retryable,
        reason: c.reason,
        errorName: c.errorName,
      });
    });
  }

  it('keeps the original error as the cause and masks phone numbers in the message', () => {
    const err = new InvalidParameterException({ message: 'Invalid parameter: PhoneNumber Reason: +12065550100 is not valid', ...meta(400) });
    const error = classifySnsError(err);
    expect(error.cause).to.equal(err);
    expect(error.message).to.equal('Invalid parameter: PhoneNumber Reason: +1206***0100 is not valid');
  });

  it('passes a PublishError through unchanged', () => {
    const error = new PublishError('open', { retryable: true, reason: 'circuit_open', errorName: 'CircuitOpen' });
    expect(classifySnsError(error)).to.equal(error);
  });
});

describe('classifyBatchEntryError', () => {
  const cases: [code: string, senderFault: boolean, retryable: boolean, reason: string, errorName: string][] = [
    ['InvalidParameter', true, false, 'client', 'InvalidParameterException'],
    ['ParameterValueInvalid', true, false, 'client', 'InvalidParameterValueException'],
    ['InternalError', false, true, 'server', 'InternalErrorException'],
    ['Throttled', true, true, 'throttled', 'ThrottledException'],
    ['SomethingNew', false, true, 'server', 'Unknown'],
    ['SomethingNew', true, false, 'client', 'Unknown'],
  ];
  for (const [code, senderFault, retryable, reason, errorName] of cases) {
    it(`maps Failed[].Code ${code} (SenderFault ${senderFault}) to ${errorName}, ${reason}`, () => {
      const error = classifyBatchEntryError({ Id: 'm0', Code: code, Message: 'x', SenderFault: senderFault });
      expect([error.retryable, error.reason, error.errorName]).to.deep.equal([retryable, reason, errorName]);
    });
  }
});
