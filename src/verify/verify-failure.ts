import type { SignatureFailureReason } from '../observability/metrics.js';
import type { VerifyResult } from './signature-scheme.js';

/** A verifier's "no": a bounded reason and an operator detail. */
export type VerifyFailure = Extract<VerifyResult, { ok: false }>;

/** Builds a "no"; callers must keep secrets and signatures out of `detail`. */
export function verifyFailure(reason: SignatureFailureReason, detail: string): VerifyFailure {
  return { ok: false, reason, detail };
}
