import { parsePhoneNumberFromString, type PhoneNumberType } from 'libphonenumber-js/max';

/** The outcome of checking one recipient; the reason never contains the number itself. */
export type PhoneCheck =
  | { readonly ok: true; readonly e164: string; readonly country: string | undefined }
  | {
      readonly ok: false;
      readonly code: 'SNSGATE_RECIPIENT_INVALID' | 'SNSGATE_RECIPIENT_COUNTRY_BLOCKED';
      readonly reason: string;
    };

// The tutorial's rule, and SNS's: a plus, a country code, at most 15 digits.
const e164 = /^\+[1-9]\d{1,14}$/;
const topicArn = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;

// Number types that cannot take an SMS. FIXED_LINE_OR_MOBILE (most of NANP) and unknown types pass:
// the metadata cannot tell, so we let SNS try. Toll-free numbers are business lines, not customers.
const noSms: ReadonlyMap<PhoneNumberType, string> = new Map<PhoneNumberType, string>([
  ['FIXED_LINE', 'a fixed-line number'],
  ['PREMIUM_RATE', 'a premium-rate number'],
  ['SHARED_COST', 'a shared-cost number'],
  ['TOLL_FREE', 'a toll-free number'],
  ['VOICEMAIL', 'a voicemail access number'],
  ['UAN', 'a universal access number'],
  ['PAGER', 'a pager number'],
]);

/** True for an SNS topic ARN (standard or `.fifo`), which is a publish target and not a phone number. */
export function isTopicArn(value: string): boolean {
  return topicArn.test(value);
}

/**
 * Checks a recipient: E.164 form, a valid number for its country (libphonenumber `max` metadata),
 * the country allow-list (empty allows all) and a number type that can receive SMS.
 */
export function checkPhoneNumber(value: string, allowedCountries: readonly string[]): PhoneCheck {
  if (!e164.test(value)) {
    return { ok: false, code: 'SNSGATE_RECIPIENT_INVALID', reason: 'not an E.164 number (+, country code, up to 15 digits, no spaces)' };
  }
  const parsed = parsePhoneNumberFromString(value);
  if (parsed === undefined || !parsed.isValid()) {
    return { ok: false, code: 'SNSGATE_RECIPIENT_INVALID', reason: 'not a valid phone number for its country code' };
  }
  const country = parsed.country;
  if (allowedCountries.length > 0 && (country === undefined || !allowedCountries.includes(country))) {
    return {
      ok: false,
      code: 'SNSGATE_RECIPIENT_COUNTRY_BLOCKED',
      reason: `country ${country ?? 'unknown (non-geographic number)'} is not in the allowed list (${allowedCountries.join(', ')})`,
    };
  }
  const type = parsed.getType();
  const refused = type === undefined ? undefined : noSms.get(type);
  if (refused !== undefined) return { ok: false, code: 'SNSGATE_RECIPIENT_INVALID', reason: `${refused}, which cannot receive SMS` };
  return { ok: true, e164: parsed.number, country };
}
