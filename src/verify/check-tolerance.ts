import { verifyFailure, type VerifyFailure } from './verify-failure.js';

/**
 * Undefined when `signedAt` lies within `toleranceSeconds` of `now` in either direction (a future
 * timestamp is refused too); otherwise `timestamp_out_of_tolerance`.
 */
export function checkTolerance(signedAt: Date, now: Date, toleranceSeconds: number): VerifyFailure | undefined {
  const skewMs = now.getTime() - signedAt.getTime();
  if (Math.abs(skewMs) <= toleranceSeconds * 1000) return undefined;
  const seconds = Math.round(Math.abs(skewMs) / 1000);
  const where = skewMs > 0 ? 'in the past' : 'in the future';
  return verifyFailure(
    'timestamp_out_of_tolerance',
    `signed timestamp is ${seconds} s ${where}; tolerance is ${toleranceSeconds} s — is this a replay, or is a clock (sender's or ours) wrong?`,
  );
}
