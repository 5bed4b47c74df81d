import { describe, expect, it } from 'vitest';
import { decodeText, decodeWindows1252 } from './decode-text';

const utf8 = (text: string) => new TextEncoder().encode(text);

function utf16(text: string, littleEndian: boolean, mark: boolean): Uint8Array {
  const bytes = new Uint8Array((text.length + (mark ? 1 : 0)) * 2);
  const view = new DataView(bytes.buffer);
  let offset = 0;
  if (mark) {
    view.setUint16(0, 0xfeff, littleEndian);
    offset = 2;
  }
  for (let i = 0; i < text.length; i++) view.setUint16(offset + i * 2, text.charCodeAt(i), littleEndian);
  return bytes;
}

describe('decodeText', () => {
  it('reads UTF-8 with a byte order mark and drops the mark', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('Peña,Zoë')]);
    expect(decodeText(bytes)).toEqual({ text: 'Peña,Zoë', encoding: 'utf-8' });
  });

  it('reads UTF-8 without a mark', () => {
    expect(decodeText(utf8('日本 🙂'))).toEqual({ text: '日本 🙂', encoding: 'utf-8' });
  });

  it('reads UTF-16 little endian with a mark, emoji included', () => {
    expect(decodeText(utf16('First Name\r\nJosé 🙂', true, true))).toEqual({ text: 'First Name\r\nJosé 🙂', encoding: 'utf-16le' });
  });

  it('reads UTF-16 big endian with a mark', () => {
    expect(decodeText(utf16('Name,Müller', false, true))).toEqual({ text: 'Name,Müller', encoding: 'utf-16be' });
  });

  it('recognises UTF-16 little endian without a mark from its zero bytes', () => {
    expect(decodeText(utf16('First Name,Last Name', true, false)).encoding).toBe('utf-16le');
  });

  it('falls back to Windows-1252 when the bytes are not valid UTF-8', () => {
    // "Société €" in Windows-1252: é is 0xE9 and € is 0x80, neither valid UTF-8 on its own.
    const bytes = new Uint8Array([0x53, 0x6f, 0x63, 0x69, 0xe9, 0x74, 0xe9, 0x20, 0x80]);
    expect(decodeText(bytes)).toEqual({ text: 'Société €', encoding: 'windows-1252' });
  });

  it('falls back to Shift_JIS when asked to', () => {
    // 日本 in Shift_JIS.
    expect(decodeText(new Uint8Array([0x93, 0xfa, 0x96, 0x7b]), 'shift_jis')).toEqual({ text: '日本', encoding: 'shift_jis' });
  });

  it('keeps valid UTF-8 as UTF-8 even when a legacy encoding is given', () => {
    expect(decodeText(utf8('Zoë'), 'shift_jis')).toEqual({ text: 'Zoë', encoding: 'utf-8' });
  });

  it('reads an empty file as empty text', () => {
    expect(decodeText(new Uint8Array())).toEqual({ text: '', encoding: 'utf-8' });
  });
});

describe('decodeWindows1252', () => {
  it('maps every byte from 0x80 to 0x9F by the Windows table, curly quotes and euro included', () => {
    const text = decodeWindows1252(new Uint8Array([0x80, 0x85, 0x91, 0x92, 0x93, 0x94, 0x96, 0x9c, 0x9f, 0x81, 0xff]));
    expect(text).toBe('€…‘’“”–œŸ\u0081ÿ');
  });
});
