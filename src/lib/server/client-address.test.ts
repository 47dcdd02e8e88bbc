import { describe, expect, it } from 'vitest';
import { clientAddressFrom, clientKeyOf, compileTrust } from './client-address.ts';

const none = compileTrust([]);
const proxy = compileTrust(['10.0.0.5']);
const twoProxies = compileTrust(['10.0.0.5', '10.0.1.0/24']);

describe('the client address behind (or without) a forwarding proxy', () => {
  it('uses the socket address and ignores X-Forwarded-For when no proxy is trusted', () => {
    expect(clientAddressFrom('198.51.100.23', null, none)).toBe('198.51.100.23');
    // A client writing its own header cannot become someone else, nor a new client each time.
    expect(clientAddressFrom('198.51.100.23', '203.0.113.1', none)).toBe('198.51.100.23');
    expect(clientAddressFrom('10.0.0.5', '203.0.113.1', none)).toBe('10.0.0.5');
  });

  it('takes the address the trusted proxy saw, not what the client claimed before it', () => {
    expect(clientAddressFrom('10.0.0.5', '198.51.100.23', proxy)).toBe('198.51.100.23');
    // nginx appends the peer to whatever the client sent: only the last entry is the proxy's word.
    expect(clientAddressFrom('10.0.0.5', '203.0.113.1, 198.51.100.23', proxy)).toBe('198.51.100.23');
    expect(clientAddressFrom('10.0.0.5', 'forged-garbage, 198.51.100.23', proxy)).toBe('198.51.100.23');
  });

  it('walks back only through trusted hops', () => {
    expect(clientAddressFrom('10.0.0.5', '198.51.100.23, 10.0.1.7', twoProxies)).toBe('198.51.100.23');
    expect(clientAddressFrom('10.0.0.5', '203.0.113.1, 198.51.100.23, 10.0.1.7', twoProxies)).toBe('198.51.100.23');
    // The hop before the second proxy is not trusted by the first: stop at the second proxy.
    expect(clientAddressFrom('10.0.0.5', '198.51.100.23, 10.0.1.7', proxy)).toBe('10.0.1.7');
  });

  it('believes no header that arrives from an address outside the trusted list', () => {
    expect(clientAddressFrom('198.51.100.99', '198.51.100.23', proxy)).toBe('198.51.100.99');
  });

  it('falls back to the proxy itself when it forwards nothing usable', () => {
    expect(clientAddressFrom('10.0.0.5', null, proxy)).toBe('10.0.0.5');
    expect(clientAddressFrom('10.0.0.5', '', proxy)).toBe('10.0.0.5');
    // A proxy that writes junk groups every such request under one key rather than many.
    expect(clientAddressFrom('10.0.0.5', 'unknown', proxy)).toBe('invalid');
  });

  it('matches IPv4 proxies on a dual-stack socket and keys one client the same either way', () => {
    expect(clientAddressFrom('::ffff:10.0.0.5', '198.51.100.23', proxy)).toBe('198.51.100.23');
    expect(clientAddressFrom('::ffff:198.51.100.23', null, none)).toBe('198.51.100.23');
  });

  it('keys an IPv6 client by its /64, the prefix one household or device gets', () => {
    const a = clientAddressFrom('2001:db8:5:7:1111:2222:3333:4444', null, none);
    const b = clientAddressFrom('2001:db8:5:7:aaaa::1', null, none);
    expect(a).toBe('2001:db8:5:7::/64');
    expect(b).toBe(a);
    expect(clientAddressFrom('2001:db8:5:8::1', null, none)).not.toBe(a);
    expect(clientAddressFrom('::1', '2001:db8:5:7::9', compileTrust(['loopback']))).toBe(a);
  });

  it('says unknown when there is no socket address at all', () => {
    expect(clientAddressFrom(undefined, '198.51.100.23', proxy)).toBe('unknown');
  });

  it('reads the socket address from the request context, and never fails a request over it', () => {
    const request = new Request('http://localhost/track', { headers: { 'X-Forwarded-For': '198.51.100.23' } });
    expect(clientKeyOf({ clientAddress: '203.0.113.8', request })).toBe('203.0.113.8');
    const throwing = {
      get clientAddress(): string {
        throw new Error('not available in this adapter');
      },
      request,
    };
    expect(clientKeyOf(throwing)).toBe('unknown');
  });
});
