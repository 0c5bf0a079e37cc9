/** SMS accounting of one text (design.md 2.4; domain.md 1.2). */
export interface SmsInfo {
  readonly encoding: 'GSM-7' | 'UCS-2';
  /** User-visible characters (code points). */
  readonly characters: number;
  /** GSM-7 septets (extension characters count two) or UTF-16 code units. */
  readonly units: number;
  /** Bytes on the wire: septets × 7 / 8 rounded up, or code units × 2. */
  readonly bytes: number;
  /** Segments: 160/153 for GSM-7, 70/67 for UCS-2. */
  readonly segments: number;
  /** The distinct characters that forced UCS-2 (empty for GSM-7). */
  readonly ucs2Characters: readonly string[];
}
