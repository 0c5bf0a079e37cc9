import { GatewayError } from '../errors.js';
import { analyzeSms, nonGsm7Characters } from '../sms/analyze-sms.js';
import { fitSms, smsOverflow } from '../sms/fit-sms.js';
import type { SmsInfo } from '../sms/sms-info.js';
import { smsLimits } from '../sms/sms-limits.js';
import { toGsm7 } from '../sms/to-gsm7.js';
import type { TemplateManifest } from './template-plugin.js';
import type { CompiledTemplate } from './compile-template.js';

/** What the text of a message needs: the template id, its limits and its compiled parts. */
export interface TextParts {
  readonly id: string;
  readonly manifest: Pick<TemplateManifest, 'maxSegments' | 'overflow' | 'encoding'>;
  readonly body: CompiledTemplate;
  readonly mediaUrl?: CompiledTemplate;
}

/** The full text of a message, its accounting and the warnings a preview shows. */
export interface TextResult {
  readonly text: string;
  readonly mediaUrl: string | undefined;
  readonly sms: SmsInfo;
  readonly truncated: boolean;
  readonly warnings: readonly string[];
}

/** `’ (U+2019)`, for warnings; at most ten characters listed. */
export function describeCharacters(chars: readonly string[]): string {
  const shown = chars.slice(0, 10).map((c) => {
    const code = `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
    return /^[\p{L}\p{N}\p{P}\p{S}]$/u.test(c) || /\p{Extended_Pictographic}/u.test(c) ? `${c} (${code})` : code;
  });
  return shown.join(', ') + (chars.length > 10 ? `, and ${chars.length - 10} more` : '');
}

function warningsFor(parts: TextParts, replaced: readonly string[], sms: SmsInfo, truncated: boolean, mediaUrl: string | undefined): string[] {
  const warnings: string[] = [];
  const { maxSegments } = parts.manifest;
  if (replaced.length > 0) warnings.push(`encoding gsm7 replaced ${describeCharacters(replaced)}`);
  if (sms.encoding === 'UCS-2') {
    warnings.push(`UCS-2 forced by ${describeCharacters(sms.ucs2Characters)}: ${smsLimits.ucs2.single} characters per SMS instead of ${smsLimits.gsm7.single}`);
  }
  if (sms.segments > 1) warnings.push(`${sms.segments} segments: SNS bills each one`);
  if (truncated) warnings.push(`text truncated to fit maxSegments ${maxSegments}`);
  if (mediaUrl !== undefined) {
    const limits = sms.encoding === 'GSM-7' ? smsLimits.gsm7 : smsLimits.ucs2;
    const budget = maxSegments === 1 ? limits.single : limits.multi * maxSegments;
    const used = analyzeSms(`\n${mediaUrl}`).units;
    warnings.push(`media URL uses ${used} of the ${budget} ${sms.encoding} units that maxSegments ${maxSegments} allows (${Math.round((used / budget) * 100)}%)`);
  }
  return warnings;
}

/**
 * Renders the body, applies `encoding: gsm7`, appends `\n` + the media URL when there is one (as the
 * tutorial does), and enforces maxSegments and SNS's 1,600 bytes: `reject` throws
 * SNSGATE_MESSAGE_TOO_LONG, `truncate` shortens the body and keeps the URL whole.
 */
export function renderText(parts: TextParts, data: unknown): TextResult {
  // Trailing line breaks are the file's final newline or a closing block's line: never worth a character.
  let body = parts.body.render(data).replace(/[\r\n]+$/, '');
  const replaced = parts.manifest.encoding === 'gsm7' ? nonGsm7Characters(body) : [];
  if (replaced.length > 0) body = toGsm7(body);
  const url = parts.mediaUrl?.render(data).trim();
  const mediaUrl = url === undefined || url === '' ? undefined : url;
  const suffix = mediaUrl === undefined ? '' : `\n${mediaUrl}`;
  if ((body + suffix).trim() === '') {
    throw new GatewayError('SNSGATE_RENDER_FAILED', `template ${parts.id}: the message is empty for this payload`, { reason: 'render' });
  }
  const { maxSegments, overflow } = parts.manifest;
  const whole = body + suffix;
  const info = analyzeSms(whole);
  const tooLong = smsOverflow(whole, info, maxSegments);
  if (tooLong === undefined) return { text: whole, mediaUrl, sms: info, truncated: false, warnings: warningsFor(parts, replaced, info, false, mediaUrl) };
  if (overflow === 'reject') {
    throw new GatewayError('SNSGATE_MESSAGE_TOO_LONG', `template ${parts.id}: the message is too long: ${tooLong} (overflow: reject)`, {
      extra: { segments: info.segments, maxSegments, bytes: info.bytes },
      reason: 'too_long',
    });
  }
  const fit = fitSms(body, suffix, maxSegments);
  if (!fit.ok) {
    throw new GatewayError('SNSGATE_MESSAGE_TOO_LONG', `template ${parts.id}: ${fit.reason}`, { extra: { maxSegments }, reason: 'too_long' });
  }
  return { text: fit.text, mediaUrl, sms: fit.info, truncated: true, warnings: warningsFor(parts, replaced, fit.info, true, mediaUrl) };
}
