/**
 * Who is asking, for the in-memory throttles only. The address is never logged, stored or shown:
 * it is hashed under a rotating key by the throttle that receives it (auth/throttle.ts).
 *
 * Behind a reverse proxy every connection comes from the proxy, so without help one person's
 * failures would count against everyone. X-Forwarded-For is believed only from proxies listed in
 * TRUSTED_PROXIES, and only as far back as the chain of trusted hops goes: a client can write any
 * header it likes, but the entry a trusted proxy appends is the address that proxy really saw.
 * The walk itself is `proxy-addr` (the library Express uses), not hand-written parsing.
 *
 * This relies on Astro's own forwarded-header handling being off (no `security.allowedDomains` in
 * astro.config): with it, Astro.clientAddress would already be the client's own, forgeable claim.
 */
import type { IncomingMessage } from 'node:http';
import ipaddr from 'ipaddr.js';
import proxyaddr from 'proxy-addr';
import { getConfig } from './config.ts';

export type TrustFn = (address: string, hop: number) => boolean;

/** The Node adapter attaches the socket address to the request under this symbol. */
const ADAPTER_ADDRESS = Symbol.for('astro.clientAddress');

/** Compiles a TRUSTED_PROXIES list (already validated by config.ts). */
export function compileTrust(entries: readonly string[]): TrustFn {
  return proxyaddr.compile([...entries]);
}

let compiled: { entries: readonly string[]; trust: TrustFn } | undefined;
function configuredTrust(): TrustFn {
  const entries = getConfig().trustedProxies;
  if (compiled?.entries !== entries) compiled = { entries, trust: compileTrust(entries) };
  return compiled.trust;
}

/**
 * The throttle key for a request: the first address, walking back from the socket, that is not a
 * trusted proxy. IPv4-mapped addresses count as IPv4; an IPv6 client is keyed by its /64, since a
 * household or phone gets a whole /64 and could otherwise change address for every attempt.
 */
export function clientAddressFrom(socketAddress: string | undefined, forwardedFor: string | null, trust: TrustFn): string {
  if (!socketAddress) return 'unknown';
  const headers = forwardedFor ? { 'x-forwarded-for': forwardedFor } : {};
  const request = { socket: { remoteAddress: socketAddress }, headers } as unknown as IncomingMessage;
  return keyOf(proxyaddr(request, trust));
}

function keyOf(address: string): string {
  if (!ipaddr.isValid(address)) return 'invalid';
  const parsed = ipaddr.process(address); // IPv4-mapped IPv6 becomes plain IPv4
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const groups = (parsed as ipaddr.IPv6).parts.slice(0, 4);
  return `${new ipaddr.IPv6([...groups, 0, 0, 0, 0]).toString()}/64`;
}

/** The client key for a page or endpoint context. Never throws: throttling must not break a page. */
export function clientKeyOf(context: { clientAddress?: string; request: Request }): string {
  return clientAddressFrom(socketAddressOf(context), context.request.headers.get('x-forwarded-for'), configuredTrust());
}

function socketAddressOf(context: { clientAddress?: string; request: Request }): string | undefined {
  try {
    if (context.clientAddress) return context.clientAddress;
  } catch {
    // Astro throws where no adapter supplies the address (the container used by route tests).
  }
  // The same value Astro.clientAddress reports, read where the adapter put it on the request.
  const attached: unknown = Reflect.get(context.request, ADAPTER_ADDRESS);
  return typeof attached === 'string' && attached ? attached : undefined;
}
