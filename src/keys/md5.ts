/**
 * MD5 in plain JavaScript over a reusable buffer, for hashing millions of partition keys.
 *
 * Why not `node:crypto`: `createHash('md5')` costs one to four microseconds per key (object set-up,
 * string encoding, the native call, a Buffer for the digest), about ten times this code on keys of
 * a few bytes, and the planner hashes up to millions of keys per layout (measured in
 * bench/keys.bench.ts). This implementation allocates nothing per message: the caller writes the
 * message into `buffer`, calls `digest(length)`, and reads `words`. Words are read with a DataView
 * (little-endian whatever the platform); V8 inlines it, and it was as fast as an Int32Array view.
 *
 * The 64 steps below are RFC 1321 unrolled: step i adds K[i] = floor(|sin(i + 1)| · 2^32) (as a
 * signed 32-bit literal) and message word g(i), then rotates left by the round's shift. They are
 * checked against `node:crypto` on random messages of every length up to several blocks
 * (test/keys/md5.test.ts).
 */

/** Reusable MD5 state: write a message into `buffer`, call `digest`, read `words`. */
export class Md5 {
  /** The message goes in bytes [0, length); `digest` pads it in place after `length`. */
  buffer: Uint8Array;
  /**
   * The digest as four big-endian 32-bit words: words[0] holds digest bytes 0–3, the most
   * significant bits of the 128-bit hash key Kinesis routes by.
   */
  readonly words = new Uint32Array(4);
  private view: DataView;

  constructor(capacity = 256) {
    this.buffer = new Uint8Array(paddedLength(capacity));
    this.view = new DataView(this.buffer.buffer);
  }

  /** Makes room for a message of `length` bytes (plus padding), keeping the buffer's contents. */
  reserve(length: number): void {
    const needed = paddedLength(length);
    if (needed <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(needed, this.buffer.length * 2));
    grown.set(this.buffer);
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }

  /** Hashes buffer[0, length) and stores the digest in `words`. Bytes after `length` are overwritten. */
  digest(length: number): void {
    this.reserve(length);
    const m = this.buffer;
    // Padding (RFC 1321 §3.1–3.2): 0x80, zeros up to 56 mod 64, then the bit length as a 64-bit
    // little-endian integer.
    const total = paddedLength(length);
    m[length] = 0x80;
    m.fill(0, length + 1, total - 8);
    const bitsLow = (length * 8) >>> 0;
    const bitsHigh = Math.floor(length / 0x20000000) >>> 0; // floor(length · 8 / 2^32)
    const v = this.view;
    v.setUint32(total - 8, bitsLow, true);
    v.setUint32(total - 4, bitsHigh, true);

    let h0 = 0x67452301;
    let h1 = 0xefcdab89 | 0;
    let h2 = 0x98badcfe | 0;
    let h3 = 0x10325476;
    for (let o = 0; o < total; o += 64) {
      const x0 = v.getInt32(o, true);
      const x1 = v.getInt32(o + 4, true);
      const x2 = v.getInt32(o + 8, true);
      const x3 = v.getInt32(o + 12, true);
      const x4 = v.getInt32(o + 16, true);
      const x5 = v.getInt32(o + 20, true);
      const x6 = v.getInt32(o + 24, true);
      const x7 = v.getInt32(o + 28, true);
      const x8 = v.getInt32(o + 32, true);
      const x9 = v.getInt32(o + 36, true);
      const x10 = v.getInt32(o + 40, true);
      const x11 = v.getInt32(o + 44, true);
      const x12 = v.getInt32(o + 48, true);
      const x13 = v.getInt32(o + 52, true);
      const x14 = v.getInt32(o + 56, true);
      const x15 = v.getInt32(o + 60, true);
      let a = h0;
      let b = h1;
      let c = h2;
      let d = h3;
      let t = 0;
      t = (a + ((b & c) | (~b & d)) + x0 - 680876936) | 0;
      a = (((t << 7) | (t >>> 25)) + b) | 0;
      t = (d + ((a & b) | (~a & c)) + x1 - 389564586) | 0;
      d = (((t << 12) | (t >>> 20)) + a) | 0;
      t = (c + ((d & a) | (~d & b)) + x2 + 606105819) | 0;
      c = (((t << 17) | (t >>> 15)) + d) | 0;
      t = (b + ((c & d) | (~c & a)) + x3 - 1044525330) | 0;
      b = (((t << 22) | (t >>> 10)) + c) | 0;
      t = (a + ((b & c) | (~b & d)) + x4 - 176418897) | 0;
      a = (((t << 7) | (t >>> 25)) + b) | 0;
      t = (d + ((a & b) | (~a & c)) + x5 + 1200080426) | 0;
      d = (((t << 12) | (t >>> 20)) + a) | 0;
      t = (c + ((d & a) | (~d & b)) + x6 - 1473231341) | 0;
      c = (((t << 17) | (t >>> 15)) + d) | 0;
      t = (b + ((c & d) | (~c & a)) + x7 - 45705983) | 0;
      b = (((t << 22) | (t >>> 10)) + c) | 0;
      t = (a + ((b & c) | (~b & d)) + x8 + 1770035416) | 0;
      a = (((t << 7) | (t >>> 25)) + b) | 0;
      t = (d + ((a & b) | (~a & c)) + x9 - 1958414417) | 0;
      d = (((t << 12) | (t >>> 20)) + a) | 0;
      t = (c + ((d & a) | (~d & b)) + x10 - 42063) | 0;
      c = (((t << 17) | (t >>> 15)) + d) | 0;
      t = (b + ((c & d) | (~c & a)) + x11 - 1990404162) | 0;
      b = (((t << 22) | (t >>> 10)) + c) | 0;
      t = (a + ((b & c) | (~b & d)) + x12 + 1804603682) | 0;
      a = (((t << 7) | (t >>> 25)) + b) | 0;
      t = (d + ((a & b) | (~a & c)) + x13 - 40341101) | 0;
      d = (((t << 12) | (t >>> 20)) + a) | 0;
      t = (c + ((d & a) | (~d & b)) + x14 - 1502002290) | 0;
      c = (((t << 17) | (t >>> 15)) + d) | 0;
      t = (b + ((c & d) | (~c & a)) + x15 + 1236535329) | 0;
      b = (((t << 22) | (t >>> 10)) + c) | 0;
      t = (a + ((b & d) | (c & ~d)) + x1 - 165796510) | 0;
      a = (((t << 5) | (t >>> 27)) + b) | 0;
      t = (d + ((a & c) | (b & ~c)) + x6 - 1069501632) | 0;
      d = (((t << 9) | (t >>> 23)) + a) | 0;
      t = (c + ((d & b) | (a & ~b)) + x11 + 643717713) | 0;
      c = (((t << 14) | (t >>> 18)) + d) | 0;
      t = (b + ((c & a) | (d & ~a)) + x0 - 373897302) | 0;
      b = (((t << 20) | (t >>> 12)) + c) | 0;
      t = (a + ((b & d) | (c & ~d)) + x5 - 701558691) | 0;
      a = (((t << 5) | (t >>> 27)) + b) | 0;
      t = (d + ((a & c) | (b & ~c)) + x10 + 38016083) | 0;
      d = (((t << 9) | (t >>> 23)) + a) | 0;
      t = (c + ((d & b) | (a & ~b)) + x15 - 660478335) | 0;
      c = (((t << 14) | (t >>> 18)) + d) | 0;
      t = (b + ((c & a) | (d & ~a)) + x4 - 405537848) | 0;
      b = (((t << 20) | (t >>> 12)) + c) | 0;
      t = (a + ((b & d) | (c & ~d)) + x9 + 568446438) | 0;
      a = (((t << 5) | (t >>> 27)) + b) | 0;
      t = (d + ((a & c) | (b & ~c)) + x14 - 1019803690) | 0;
      d = (((t << 9) | (t >>> 23)) + a) | 0;
      t = (c + ((d & b) | (a & ~b)) + x3 - 187363961) | 0;
      c = (((t << 14) | (t >>> 18)) + d) | 0;
      t = (b + ((c & a) | (d & ~a)) + x8 + 1163531501) | 0;
      b = (((t << 20) | (t >>> 12)) + c) | 0;
      t = (a + ((b & d) | (c & ~d)) + x13 - 1444681467) | 0;
      a = (((t << 5) | (t >>> 27)) + b) | 0;
      t = (d + ((a & c) | (b & ~c)) + x2 - 51403784) | 0;
      d = (((t << 9) | (t >>> 23)) + a) | 0;
      t = (c + ((d & b) | (a & ~b)) + x7 + 1735328473) | 0;
      c = (((t << 14) | (t >>> 18)) + d) | 0;
      t = (b + ((c & a) | (d & ~a)) + x12 - 1926607734) | 0;
      b = (((t << 20) | (t >>> 12)) + c) | 0;
      t = (a + (b ^ c ^ d) + x5 - 378558) | 0;
      a = (((t << 4) | (t >>> 28)) + b) | 0;
      t = (d + (a ^ b ^ c) + x8 - 2022574463) | 0;
      d = (((t << 11) | (t >>> 21)) + a) | 0;
      t = (c + (d ^ a ^ b) + x11 + 1839030562) | 0;
      c = (((t << 16) | (t >>> 16)) + d) | 0;
      t = (b + (c ^ d ^ a) + x14 - 35309556) | 0;
      b = (((t << 23) | (t >>> 9)) + c) | 0;
      t = (a + (b ^ c ^ d) + x1 - 1530992060) | 0;
      a = (((t << 4) | (t >>> 28)) + b) | 0;
      t = (d + (a ^ b ^ c) + x4 + 1272893353) | 0;
      d = (((t << 11) | (t >>> 21)) + a) | 0;
      t = (c + (d ^ a ^ b) + x7 - 155497632) | 0;
      c = (((t << 16) | (t >>> 16)) + d) | 0;
      t = (b + (c ^ d ^ a) + x10 - 1094730640) | 0;
      b = (((t << 23) | (t >>> 9)) + c) | 0;
      t = (a + (b ^ c ^ d) + x13 + 681279174) | 0;
      a = (((t << 4) | (t >>> 28)) + b) | 0;
      t = (d + (a ^ b ^ c) + x0 - 358537222) | 0;
      d = (((t << 11) | (t >>> 21)) + a) | 0;
      t = (c + (d ^ a ^ b) + x3 - 722521979) | 0;
      c = (((t << 16) | (t >>> 16)) + d) | 0;
      t = (b + (c ^ d ^ a) + x6 + 76029189) | 0;
      b = (((t << 23) | (t >>> 9)) + c) | 0;
      t = (a + (b ^ c ^ d) + x9 - 640364487) | 0;
      a = (((t << 4) | (t >>> 28)) + b) | 0;
      t = (d + (a ^ b ^ c) + x12 - 421815835) | 0;
      d = (((t << 11) | (t >>> 21)) + a) | 0;
      t = (c + (d ^ a ^ b) + x15 + 530742520) | 0;
      c = (((t << 16) | (t >>> 16)) + d) | 0;
      t = (b + (c ^ d ^ a) + x2 - 995338651) | 0;
      b = (((t << 23) | (t >>> 9)) + c) | 0;
      t = (a + (c ^ (b | ~d)) + x0 - 198630844) | 0;
      a = (((t << 6) | (t >>> 26)) + b) | 0;
      t = (d + (b ^ (a | ~c)) + x7 + 1126891415) | 0;
      d = (((t << 10) | (t >>> 22)) + a) | 0;
      t = (c + (a ^ (d | ~b)) + x14 - 1416354905) | 0;
      c = (((t << 15) | (t >>> 17)) + d) | 0;
      t = (b + (d ^ (c | ~a)) + x5 - 57434055) | 0;
      b = (((t << 21) | (t >>> 11)) + c) | 0;
      t = (a + (c ^ (b | ~d)) + x12 + 1700485571) | 0;
      a = (((t << 6) | (t >>> 26)) + b) | 0;
      t = (d + (b ^ (a | ~c)) + x3 - 1894986606) | 0;
      d = (((t << 10) | (t >>> 22)) + a) | 0;
      t = (c + (a ^ (d | ~b)) + x10 - 1051523) | 0;
      c = (((t << 15) | (t >>> 17)) + d) | 0;
      t = (b + (d ^ (c | ~a)) + x1 - 2054922799) | 0;
      b = (((t << 21) | (t >>> 11)) + c) | 0;
      t = (a + (c ^ (b | ~d)) + x8 + 1873313359) | 0;
      a = (((t << 6) | (t >>> 26)) + b) | 0;
      t = (d + (b ^ (a | ~c)) + x15 - 30611744) | 0;
      d = (((t << 10) | (t >>> 22)) + a) | 0;
      t = (c + (a ^ (d | ~b)) + x6 - 1560198380) | 0;
      c = (((t << 15) | (t >>> 17)) + d) | 0;
      t = (b + (d ^ (c | ~a)) + x13 + 1309151649) | 0;
      b = (((t << 21) | (t >>> 11)) + c) | 0;
      t = (a + (c ^ (b | ~d)) + x4 - 145523070) | 0;
      a = (((t << 6) | (t >>> 26)) + b) | 0;
      t = (d + (b ^ (a | ~c)) + x11 - 1120210379) | 0;
      d = (((t << 10) | (t >>> 22)) + a) | 0;
      t = (c + (a ^ (d | ~b)) + x2 + 718787259) | 0;
      c = (((t << 15) | (t >>> 17)) + d) | 0;
      t = (b + (d ^ (c | ~a)) + x9 - 343485551) | 0;
      b = (((t << 21) | (t >>> 11)) + c) | 0;
      h0 = (h0 + a) | 0;
      h1 = (h1 + b) | 0;
      h2 = (h2 + c) | 0;
      h3 = (h3 + d) | 0;
    }
    // MD5 emits its state words little-endian; Kinesis reads the digest big-endian.
    const w = this.words;
    w[0] = swapBytes(h0);
    w[1] = swapBytes(h1);
    w[2] = swapBytes(h2);
    w[3] = swapBytes(h3);
  }
}

/** Bytes a message of `length` bytes occupies once padded: a multiple of 64 with room for 9 more. */
function paddedLength(length: number): number {
  return (Math.floor((length + 8) / 64) + 1) * 64;
}

function swapBytes(v: number): number {
  return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
}
