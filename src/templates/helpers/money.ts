import { HelperError, hashString, plainSpaces, toNumber, typeName, type Helper } from './helper.js';

const displays: Readonly<Record<string, Intl.NumberFormatOptions['currencyDisplay']>> = {
  symbol: 'symbol',
  narrowSymbol: 'narrowSymbol',
  code: 'code',
  name: 'name',
};

/**
 * `{{money amount currency [locale] minor=true display="code"}}`: the amount in the currency,
 * formatted for the locale (default en-US). `minor=true` reads the amount in minor units (Stripe's
 * cents), using the currency's own number of decimals (JPY has none).
 */
export const money: Helper = ([amount, currency, locale], hash) => {
  const value = toNumber(amount);
  if (value === undefined) throw new HelperError('money', `the amount must be a number or a numeric string, got ${typeName(amount)}`);
  if (typeof currency !== 'string' || !/^[A-Za-z]{3}$/.test(currency)) {
    throw new HelperError('money', `the currency must be a three-letter ISO 4217 code, got ${typeName(currency)}`);
  }
  const display = displays[hashString('money', hash, 'display') ?? 'symbol'];
  if (display === undefined) throw new HelperError('money', `display= must be one of ${Object.keys(displays).join(', ')}`);
  const code = currency.toUpperCase();
  let format: Intl.NumberFormat;
  try {
    format = new Intl.NumberFormat(typeof locale === 'string' && locale !== '' ? locale : 'en-US', {
      style: 'currency',
      currency: code,
      currencyDisplay: display,
    });
  } catch {
    throw new HelperError('money', 'the locale is not a valid BCP 47 tag');
  }
  const decimals = format.resolvedOptions().maximumFractionDigits ?? 2;
  const major = hash.minor === true ? value / 10 ** decimals : value;
  return plainSpaces(format.format(major));
};
