import { describe, expect, it } from 'vitest';
import { isCrossSiteWrite } from './origin.ts';

const url = new URL('http://localhost:4321/staff/users/new');
const post = (headers: Record<string, string>, body = 'a=1') => new Request(url, { method: 'POST', headers, body });

describe('cross-site write detection', () => {
  it.each([
    ['application/x-www-form-urlencoded'],
    ['multipart/form-data; boundary=xyz'],
    ['text/plain'],
    ['application/json'],
  ])('refuses a cross-site %s POST', (contentType) => {
    expect(isCrossSiteWrite(post({ 'Content-Type': contentType, Origin: 'https://evil.example' }), url, undefined)).toBe(true);
  });

  it('refuses cross-site PUT, PATCH and DELETE too', () => {
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const request = new Request(url, { method, headers: { Origin: 'https://evil.example' } });
      expect(isCrossSiteWrite(request, url, undefined)).toBe(true);
    }
  });

  it('accepts same-origin writes and the configured public origin', () => {
    expect(isCrossSiteWrite(post({ Origin: 'http://localhost:4321' }), url, undefined)).toBe(false);
    expect(isCrossSiteWrite(post({ Origin: 'https://ydt.example.gov.cn' }), url, 'https://ydt.example.gov.cn')).toBe(false);
  });

  it('falls back to Sec-Fetch-Site, and refuses cookie-bearing writes that carry neither header', () => {
    expect(isCrossSiteWrite(post({ 'Sec-Fetch-Site': 'cross-site' }), url, undefined)).toBe(true);
    expect(isCrossSiteWrite(post({ 'Sec-Fetch-Site': 'same-site' }), url, undefined)).toBe(true);
    expect(isCrossSiteWrite(post({ 'Sec-Fetch-Site': 'same-origin' }), url, undefined)).toBe(false);
    expect(isCrossSiteWrite(post({ Cookie: 'ydt_session=abc' }), url, undefined)).toBe(true);
    expect(isCrossSiteWrite(post({}), url, undefined)).toBe(false); // no credentials, nothing to forge
  });

  it('accepts a same-origin form post from a no-referrer page (Origin: null), on Sec-Fetch-Site alone', () => {
    expect(isCrossSiteWrite(post({ Origin: 'null', 'Sec-Fetch-Site': 'same-origin' }), url, undefined)).toBe(false);
    expect(isCrossSiteWrite(post({ Origin: 'null', 'Sec-Fetch-Site': 'cross-site' }), url, undefined)).toBe(true);
    expect(isCrossSiteWrite(post({ Origin: 'null' }), url, undefined)).toBe(true);
  });

  it('leaves reads and the cookie-free public API alone', () => {
    expect(isCrossSiteWrite(new Request(url, { headers: { Origin: 'https://evil.example' } }), url, undefined)).toBe(false);
    const api = new URL('http://localhost:4321/api/v1/complaints');
    expect(isCrossSiteWrite(new Request(api, { method: 'POST', headers: { Origin: 'https://kiosk.example' }, body: '{}' }), api, undefined)).toBe(false);
  });
});
