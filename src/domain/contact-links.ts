import { toDialable, toInternationalDigits } from './phone';

/*
 * One-tap action links. iOS and Android disagree on the `sms:` body separator: iOS reads
 * `sms:+15550100&body=…`, Android (and desktop handlers) `sms:+15550100?body=…`. Bodies are
 * percent-encoded with encodeURIComponent: `+` for spaces would show up literally in mail and SMS apps.
 */

export type DevicePlatform = 'ios' | 'android' | 'other';

export function telLink(phone: string, countryCode: string): string | null {
  const dialable = toDialable(phone, countryCode);
  return dialable === null ? null : `tel:${dialable}`;
}

export function smsLink(phone: string, countryCode: string, platform: DevicePlatform, body = ''): string | null {
  const dialable = toDialable(phone, countryCode);
  if (dialable === null) return null;
  if (body === '') return `sms:${dialable}`;
  const separator = platform === 'ios' ? '&' : '?';
  return `sms:${dialable}${separator}body=${encodeURIComponent(body)}`;
}

export function whatsAppLink(phone: string, countryCode: string, text = ''): string | null {
  const digits = toInternationalDigits(phone, countryCode);
  if (digits === null) return null;
  return text === '' ? `https://wa.me/${digits}` : `https://wa.me/${digits}?text=${encodeURIComponent(text)}`;
}

export function mailtoLink(email: string, subject = '', body = ''): string | null {
  const address = email.trim();
  if (address === '' || !address.includes('@')) return null;
  const params = [
    subject !== '' ? `subject=${encodeURIComponent(subject)}` : '',
    body !== '' ? `body=${encodeURIComponent(body)}` : '',
  ].filter(Boolean);
  return `mailto:${encodeURIComponent(address).replace('%40', '@')}${params.length > 0 ? `?${params.join('&')}` : ''}`;
}

/** Reads the platform from a user agent string (iPadOS 13+ reports a Mac UA but has touch points). */
export function detectPlatform(userAgent: string, maxTouchPoints = 0): DevicePlatform {
  if (/iPhone|iPad|iPod/i.test(userAgent)) return 'ios';
  if (/Macintosh/i.test(userAgent) && maxTouchPoints > 1) return 'ios';
  if (/Android/i.test(userAgent)) return 'android';
  return 'other';
}
