import { HelperError, hashString, plainSpaces, toNumber, typeName, type Helper } from './helper.js';

const styles: Readonly<Record<string, Intl.DateTimeFormatOptions>> = {
  short: { dateStyle: 'short', timeStyle: 'short' },
  medium: { dateStyle: 'medium', timeStyle: 'short' },
  long: { dateStyle: 'long', timeStyle: 'short' },
  full: { dateStyle: 'full', timeStyle: 'short' },
  date: { dateStyle: 'medium' },
  time: { timeStyle: 'short' },
};

function toDate(value: unknown): Date | undefined {
  const n = toNumber(value);
  // Epoch seconds (Stripe's `created`) until 5138; larger numbers are milliseconds.
  if (n !== undefined) return new Date(Math.abs(n) < 1e11 ? n * 1000 : n);
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : new Date(ms);
  }
  return undefined;
}

/**
 * `{{date value [style] timeZone="Europe/Paris" locale="en-GB"}}`: an ISO 8601 string or epoch
 * seconds/milliseconds, in style short | medium (default) | long | full | date | time | iso, in
 * the time zone (default UTC) and locale (default en-US).
 */
export const date: Helper = ([value, style], hash) => {
  const when = toDate(value);
  if (when === undefined) throw new HelperError('date', `expected an ISO 8601 date or epoch seconds, got ${typeName(value)}`);
  const name = typeof style === 'string' ? style : 'medium';
  if (name === 'iso') return when.toISOString();
  const options = styles[name];
  if (options === undefined) throw new HelperError('date', `style must be one of ${Object.keys(styles).join(', ')}, iso`);
  const locale = hashString('date', hash, 'locale') ?? 'en-US';
  const timeZone = hashString('date', hash, 'timeZone') ?? 'UTC';
  try {
    return plainSpaces(new Intl.DateTimeFormat(locale, { ...options, timeZone }).format(when));
  } catch {
    throw new HelperError('date', 'timeZone= must be an IANA zone such as Europe/Paris, locale= a BCP 47 tag');
  }
};
