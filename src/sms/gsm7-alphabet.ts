// GSM 03.38 default alphabet (3GPP TS 23.038 §6.2.1), in table order; 0x1B (escape) is left out.
const basic =
  '@£$¥èéùìòÇ\nØø\rÅå' +
  'Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ' +
  ' !"#¤%&\'()*+,-./' +
  '0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNO' +
  'PQRSTUVWXYZÄÖÑÜ§' +
  '¿abcdefghijklmno' +
  'pqrstuvwxyzäöñüà';

// The extension table: each is sent as escape + character, so it costs two septets.
const extension = '\f^{}\\[~]|€';

const basicSet: ReadonlySet<string> = new Set(basic);
const extensionSet: ReadonlySet<string> = new Set(extension);

/** The GSM-7 basic and extension tables; `septets` is 1 or 2 for GSM-7 characters, 0 for any other. */
export const gsm7Alphabet = {
  basic: basicSet,
  extension: extensionSet,
  septets(char: string): 0 | 1 | 2 {
    if (basicSet.has(char)) return 1;
    return extensionSet.has(char) ? 2 : 0;
  },
} as const;
