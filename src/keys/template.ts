/**
 * Key names from a template: every `{i}` in the template is replaced by the key's 0-based index in
 * decimal, so `device-{i}` names keys `device-0`, `device-1`, … The encoder writes a name's UTF-8
 * bytes straight into a hash buffer, so enumerating a million keys builds no strings.
 */

const PLACEHOLDER = '{i}';
const DIGIT_0 = 0x30;

/** The name of key `index` under `template` (`keyName('user-{i}', 42)` is `user-42`). */
export function keyName(template: string, index: number): string {
  return template.replaceAll(PLACEHOLDER, String(index));
}

/** Decimal digits of a non-negative integer below 2^53. */
export function decimalDigits(index: number): number {
  let digits = 1;
  for (let bound = 10; index >= bound && digits < 16; bound *= 10) digits++;
  return digits;
}

/** Writes key names of one template as UTF-8 bytes, reusing the constant parts. */
export class TemplateEncoder {
  /** UTF-8 bytes of the text around the placeholders: literals[0] {i} literals[1] … {i} literals[k]. */
  private readonly literals: Uint8Array[];
  /** How many times `{i}` occurs. */
  readonly placeholders: number;
  /** UTF-8 bytes of the template without its placeholders. */
  readonly fixedBytes: number;
  /** The buffer whose start already holds literals[0]. */
  private prefixWrittenTo: Uint8Array | undefined;

  constructor(template: string) {
    const encoder = new TextEncoder();
    this.literals = template.split(PLACEHOLDER).map((part) => encoder.encode(part));
    this.placeholders = this.literals.length - 1;
    this.fixedBytes = this.literals.reduce((sum, part) => sum + part.length, 0);
  }

  /** UTF-8 bytes of the name of key `index`. */
  bytesOf(index: number): number {
    return this.fixedBytes + this.placeholders * decimalDigits(index);
  }

  /**
   * Writes the name of key `index` at the start of `out` and returns its length in bytes. `out`
   * must hold `bytesOf(index)` bytes. Bytes before the first placeholder are written once per
   * buffer, so the caller must not overwrite them between calls with the same buffer.
   */
  encode(index: number, out: Uint8Array): number {
    const literals = this.literals;
    const prefix = literals[0]!;
    if (this.prefixWrittenTo !== out) {
      out.set(prefix);
      this.prefixWrittenTo = out;
    }
    const digits = decimalDigits(index);
    let position = prefix.length;
    for (let p = 1; p < literals.length; p++) {
      // Digits from the last: v − v mod 10 is a multiple of 10, so the division is exact.
      let v = index;
      for (let d = digits - 1; d >= 0; d--) {
        const digit = v % 10;
        out[position + d] = DIGIT_0 + digit;
        v = (v - digit) / 10;
      }
      position += digits;
      const literal = literals[p]!;
      for (let b = 0; b < literal.length; b++) out[position + b] = literal[b]!;
      position += literal.length;
    }
    return position;
  }
}
