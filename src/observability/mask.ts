const phonePattern = /\+\d{7,15}/g;

/** Masks a phone number for logs: `+12065551234` → `+1206***1234`. Short or non-E.164 values are fully hidden. */
export function maskPhone(value: string): string {
  if (!/^\+\d{7,15}$/.test(value)) return value.startsWith('arn:') ? value : '***';
  return `${value.slice(0, 5)}***${value.slice(-4)}`;
}

/** Masks every E.164-looking number inside a free text (log messages, error texts). */
export function maskPhonesIn(text: string): string {
  return text.replace(phonePattern, (m) => maskPhone(m));
}
