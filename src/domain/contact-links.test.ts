import { describe, expect, it } from 'vitest';
import { detectPlatform, mailtoLink, smsLink, telLink, whatsAppLink } from './contact-links';

describe('one-tap links', () => {
  it('builds tel: links with international numbers', () => {
    expect(telLink('(555) 010-0199', '1')).toBe('tel:+15550100199');
    expect(telLink('', '1')).toBeNull();
  });

  it('uses & before the sms body on iOS and ? elsewhere', () => {
    expect(smsLink('555 010 0199', '1', 'ios', 'Hi Jane & co')).toBe('sms:+15550100199&body=Hi%20Jane%20%26%20co');
    expect(smsLink('555 010 0199', '1', 'android', 'Hi Jane & co')).toBe('sms:+15550100199?body=Hi%20Jane%20%26%20co');
    expect(smsLink('555 010 0199', '1', 'other')).toBe('sms:+15550100199');
  });

  it('builds wa.me links from international digits without a plus', () => {
    expect(whatsAppLink('07700 900123', '44', 'Hello?')).toBe('https://wa.me/447700900123?text=Hello%3F');
    expect(whatsAppLink('+44 7700 900123', '1')).toBe('https://wa.me/447700900123');
  });

  it('encodes mailto subject and body with %20, never +', () => {
    expect(mailtoLink('jane@example.com', 'Hi there', 'Line 1\nLine 2')).toBe(
      'mailto:jane@example.com?subject=Hi%20there&body=Line%201%0ALine%202',
    );
    expect(mailtoLink('not-an-email')).toBeNull();
  });

  it('detects iOS, iPadOS, Android and others from the user agent', () => {
    expect(detectPlatform('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)')).toBe('ios');
    expect(detectPlatform('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)', 5)).toBe('ios');
    expect(detectPlatform('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)', 0)).toBe('other');
    expect(detectPlatform('Mozilla/5.0 (Linux; Android 14; Pixel 8)')).toBe('android');
  });
});
