import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { maskPhone } from '../../observability/mask.js';
import { HelperError, hashString, type Helper } from './helper.js';

const styles = new Set(['masked', 'national', 'international', 'e164']);

function countryOf(hash: Readonly<Record<string, unknown>>): CountryCode | undefined {
  const raw = hashString('phone', hash, 'country')?.toUpperCase();
  if (raw === undefined || raw === '') return undefined;
  if (isSupportedCountry(raw)) return raw;
  throw new HelperError('phone', 'country= must be an ISO 3166 alpha-2 code');
}

/**
 * `{{phone value [style] country="GB"}}`: a phone number shown masked (default, `+1206***1234`),
 * national, international or e164. `country=` reads national numbers (`07400 123456`). A value that
 * does not parse is shown masked as `***`, and passed through unchanged by the other styles.
 */
export const phone: Helper = ([value, style], hash) => {
  if (value === undefined || value === null || value === '') return '';
  if (typeof value !== 'string') throw new HelperError('phone', 'the number must be a string');
  const name = typeof style === 'string' ? style : 'masked';
  if (!styles.has(name)) throw new HelperError('phone', `style must be one of ${[...styles].join(', ')}`);
  const parsed = parsePhoneNumberFromString(value, countryOf(hash));
  if (parsed === undefined) return name === 'masked' ? '***' : value;
  if (name === 'national') return parsed.formatNational();
  if (name === 'international') return parsed.formatInternational();
  return name === 'e164' ? parsed.number : maskPhone(parsed.number);
};
