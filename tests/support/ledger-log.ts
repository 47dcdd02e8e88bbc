/**
 * For the ledger log's tests: a `fetch` that answers the portal's ledger routes as the server does
 * (through src/middleware.ts into the route module, Astro's container), so the witness runs against
 * the real routes without a socket.
 */
import { experimental_AstroContainer as AstroContainer } from 'astro/container';
import { onRequest } from '../../src/middleware.ts';
import * as checkpointRoute from '../../src/pages/ledgers/checkpoint.ts';
import * as checkpointKeyRoute from '../../src/pages/ledgers/checkpoint-key.ts';
import * as consistencyRoute from '../../src/pages/ledgers/consistency.ts';
import * as leavesRoute from '../../src/pages/ledgers/leaves.ts';

export const PORTAL = 'http://localhost/';

const ROUTES: Record<string, unknown> = {
  '/ledgers/checkpoint': checkpointRoute,
  '/ledgers/checkpoint-key': checkpointKeyRoute,
  '/ledgers/consistency': consistencyRoute,
  '/ledgers/leaves': leavesRoute,
};

/** `fetch` for http://localhost/ledgers/…, answered by the route modules behind the site's middleware. */
export async function routeFetch(): Promise<typeof fetch> {
  const edge = await AstroContainer.create({ manifest: { middleware: async () => ({ onRequest }) } as never });
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init);
    const route = ROUTES[new URL(request.url).pathname];
    if (!route) return new Response('not found', { status: 404 });
    return edge.renderToResponse(route as never, { request, params: {}, partial: false, routeType: 'endpoint' });
  }) as typeof fetch;
}
