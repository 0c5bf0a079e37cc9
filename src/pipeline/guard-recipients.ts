import { GatewayError, type FieldError } from '../errors.js';
import { maskPhone } from '../observability/mask.js';
import { checkPhoneNumber } from '../sms/check-phone-number.js';
import type { RenderedMessage } from '../templates/template-plugin.js';

/**
 * Checks every phone recipient (E.164, a real number for its country that can take SMS, the country
 * allow-list) and returns the messages with normalised numbers; 422 naming each bad recipient.
 */
export function guardRecipients(messages: readonly RenderedMessage[], allowedCountries: readonly string[]): RenderedMessage[] {
  const errors: FieldError[] = [];
  let blockedCountry = false;
  const checked = messages.map((message, index) => {
    if (message.target.kind !== 'phone') return message;
    const result = checkPhoneNumber(message.target.phoneNumber, allowedCountries);
    if (result.ok) return { ...message, target: { kind: 'phone' as const, phoneNumber: result.e164 } };
    blockedCountry ||= result.code === 'SNSGATE_RECIPIENT_COUNTRY_BLOCKED';
    errors.push({
      pointer: `/recipients/${index}`,
      rule: result.code === 'SNSGATE_RECIPIENT_COUNTRY_BLOCKED' ? 'country' : 'phone',
      message: `${maskPhone(message.target.phoneNumber)}: ${result.reason}`,
    });
    return message;
  });
  if (errors.length > 0) {
    const code = blockedCountry && errors.every((e) => e.rule === 'country') ? 'SNSGATE_RECIPIENT_COUNTRY_BLOCKED' : 'SNSGATE_RECIPIENT_INVALID';
    throw new GatewayError(code, errors.map((e) => e.message).join('; '), {
      errors,
      reason: code === 'SNSGATE_RECIPIENT_COUNTRY_BLOCKED' ? 'country' : 'recipient',
    });
  }
  return checked;
}
