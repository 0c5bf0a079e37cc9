import { analyzeSms, smsBytes } from './analyze-sms.js';
import type { SmsInfo } from './sms-info.js';
import { smsLimits } from './sms-limits.js';

/** Why a text does not fit: over the segment budget or over SNS's 1,600 bytes; undefined when it fits. */
export function smsOverflow(text: string, info: SmsInfo, maxSegments: number): string | undefined {
  if (info.segments > maxSegments) return `${info.segments} segments (${info.encoding}) exceed the limit of ${maxSegments}`;
  const bytes = smsBytes(text, info);
  if (bytes > smsLimits.maxBytes) return `${bytes} bytes exceed SNS's limit of ${smsLimits.maxBytes}`;
  return undefined;
}

/** A text that fits, or why none does. */
export type FitResult =
  | { readonly ok: true; readonly text: string; readonly info: SmsInfo; readonly truncated: boolean }
  | { readonly ok: false; readonly reason: string };

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

function candidate(kept: string, suffix: string): { text: string; info: SmsInfo } {
  const trimmed = kept.trimEnd();
  // The ellipsis follows the encoding the rest already needs: `…` would force UCS-2 on its own.
  const ellipsis = analyzeSms(trimmed + suffix).encoding === 'GSM-7' ? '...' : '…';
  const text = `${trimmed}${ellipsis}${suffix}`;
  return { text, info: analyzeSms(text) };
}

/**
 * Fits `body + suffix` into `maxSegments` and SNS's byte limit. When it does not fit as is, the body
 * is cut on a grapheme boundary (never inside a surrogate pair, an escape pair or an emoji sequence)
 * and ends with `...` (GSM-7) or `…` (UCS-2); the suffix is always kept whole.
 */
export function fitSms(body: string, suffix: string, maxSegments: number): FitResult {
  const whole = body + suffix;
  const info = analyzeSms(whole);
  if (smsOverflow(whole, info, maxSegments) === undefined) return { ok: true, text: whole, info, truncated: false };
  const parts = Array.from(graphemes.segment(body), (s) => s.segment);
  const fits = (count: number): { text: string; info: SmsInfo } | undefined => {
    const c = candidate(parts.slice(0, count).join(''), suffix);
    return smsOverflow(c.text, c.info, maxSegments) === undefined ? c : undefined;
  };
  if (fits(0) === undefined) {
    const why = smsOverflow(suffix, analyzeSms(suffix), maxSegments) ?? 'it leaves no room for the text';
    return { ok: false, reason: `even cut to nothing the text does not fit with the media URL: ${why}` };
  }
  // Binary search for the longest fitting prefix; a shorter prefix never costs more.
  let low = 0;
  let high = parts.length - 1;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(mid) === undefined) high = mid - 1;
    else low = mid;
  }
  const best = fits(low) ?? candidate('', suffix);
  return { ok: true, text: best.text, info: best.info, truncated: true };
}
