/*
 * Contact files arrive as bytes in whatever encoding the exporting program liked: UTF-8 with or
 * without a byte order mark (Google, iCloud, Fieldbook), UTF-16 with a mark (the older Google "for
 * Outlook" CSV, some Outlook versions) or a legacy code page (Outlook's CSV on Windows is
 * Windows-1252, Japanese phones Shift_JIS). A mark decides; otherwise strict UTF-8 is tried first,
 * because text in a legacy code page is almost never valid UTF-8 by accident, and the legacy
 * encoding is the fallback. The mark never reaches the readers.
 */

export type LegacyEncoding = 'windows-1252' | 'shift_jis';

export type DecodedText = { readonly text: string; readonly encoding: string };

export function decodeText(bytes: Uint8Array, legacy: LegacyEncoding = 'windows-1252'): DecodedText {
  const [b0, b1, b2] = [bytes[0], bytes[1], bytes[2]];
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return { text: decode('utf-8', bytes.subarray(3)), encoding: 'utf-8' };
  if (b0 === 0xff && b1 === 0xfe) return { text: decode('utf-16le', bytes.subarray(2)), encoding: 'utf-16le' };
  if (b0 === 0xfe && b1 === 0xff) return { text: decode('utf-16be', bytes.subarray(2)), encoding: 'utf-16be' };
  const utf16 = guessUtf16WithoutMark(bytes);
  if (utf16 !== null) return { text: decode(utf16, bytes), encoding: utf16 };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: decode(legacy, bytes), encoding: legacy };
  }
}

function decode(encoding: string, bytes: Uint8Array): string {
  if (encoding === 'windows-1252') return decodeWindows1252(bytes);
  return new TextDecoder(encoding, { ignoreBOM: true }).decode(bytes);
}

/* What 0x80-0x9F mean in Windows-1252 (the five unassigned bytes stay as their C1 code points, as WHATWG says). */
const WINDOWS_1252_HIGH = '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/**
 * Windows-1252 by table: Node's TextDecoder (20.x) treats the label as Latin-1 and turns € and the
 * curly quotes into control characters, so the one code page Outlook writes is decoded here.
 */
export function decodeWindows1252(bytes: Uint8Array): string {
  const parts: string[] = [];
  const CHUNK = 8192;
  for (let start = 0; start < bytes.length; start += CHUNK) {
    const end = Math.min(bytes.length, start + CHUNK);
    const codes = new Array<number>(end - start);
    for (let i = start; i < end; i++) {
      const byte = bytes[i]!;
      codes[i - start] = byte >= 0x80 && byte <= 0x9f ? WINDOWS_1252_HIGH.charCodeAt(byte - 0x80) : byte;
    }
    parts.push(String.fromCharCode(...codes));
  }
  return parts.join('');
}

/**
 * UTF-16 without a mark shows itself in ASCII-heavy text as a zero byte in every other position.
 * Only the start is looked at, and only when most odd (or even) bytes are zero and the others are not.
 */
function guessUtf16WithoutMark(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const length = Math.min(bytes.length, 1024) & ~1;
  if (length < 8) return null;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < length; i += 2) {
    if (bytes[i] === 0) evenZeros++;
    if (bytes[i + 1] === 0) oddZeros++;
  }
  const pairs = length / 2;
  if (oddZeros > pairs * 0.6 && evenZeros < pairs * 0.1) return 'utf-16le';
  if (evenZeros > pairs * 0.6 && oddZeros < pairs * 0.1) return 'utf-16be';
  return null;
}
