/** SNS and GSM segment limits (domain.md 1.2): characters per part and the size of one Publish. */
export const smsLimits = {
  gsm7: { single: 160, multi: 153 },
  ucs2: { single: 70, multi: 67 },
  /** One SMS Publish; checked against the wire bytes and the UTF-8 bytes, whichever is larger. */
  maxBytes: 1600,
} as const;
