import type { SchemeName } from '../config/config.js';
import type { Secret } from '../config/secret.js';
import type { SignatureFailureReason } from '../observability/metrics.js';

/** Header names are lower-case (as Node delivers them); a repeated header arrives as an array. */
export type IncomingHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** What a verifier sees: the exact bytes received, the headers and the clock. */
export interface WebhookRequest {
  readonly headers: IncomingHeaders;
  readonly rawBody: Buffer;
  readonly now: Date;
}

/**
 * A verifier's answer. "No" is a value with a bounded reason (for metrics) and a detail for the
 * operator's log; neither ever contains a secret or a signature.
 */
export type VerifyResult =
  | { readonly ok: true; readonly deliveryId?: string; readonly signedAt?: Date }
  | { readonly ok: false; readonly reason: SignatureFailureReason; readonly detail: string };

/** Checks requests of one configured source. */
export interface Verifier {
  verify(request: WebhookRequest): VerifyResult;
}

/** What a scheme is built from: the source's resolved secrets (rotation: any may match) and options. */
export interface VerifierInput<O> {
  readonly secrets: readonly Secret[];
  readonly toleranceSeconds: number;
  readonly options: O;
}

/** What signing needs: used by tests, the CLI (`snsgate sign`) and the README's curl examples. */
export interface SignInput<O> {
  readonly secret: string;
  readonly body: Buffer;
  readonly now: Date;
  readonly id: string;
  readonly options: O;
}

/** One signature scheme: validates its options, builds verifiers and signs like its sender does. */
export interface SignatureScheme<O = Record<string, unknown>> {
  readonly name: SchemeName;
  /** Parses and checks `sources.<name>.options`; throws an Error naming the bad option. */
  parseOptions(options: Record<string, unknown>): O;
  create(input: VerifierInput<O>): Verifier;
  /** The headers the sender would send with this body. */
  sign(input: SignInput<O>): Record<string, string>;
}
