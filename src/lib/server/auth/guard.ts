/**
 * What every staff page, partial and endpoint calls first. It turns "who is asking" (set by the
 * middleware from the session cookie) and "may they" (the permission module) into either the
 * signed-in user or the response to send instead: a redirect to sign in, a forced password change,
 * or 403.
 */
import type { SessionUser } from './sessions.ts';
import { can, type Action, type Resource } from './permissions.ts';

interface GuardContext {
  locals: App.Locals;
  url: URL;
  request: Request;
  redirect(path: string, status?: 301 | 302 | 303 | 307 | 308): Response;
  rewrite(path: string): Promise<Response>;
}

export const PASSWORD_PAGE = '/staff/password';

export async function requireStaff(context: GuardContext, action: Action, resource?: Resource): Promise<SessionUser | Response> {
  const user = context.locals.user;
  if (!user) {
    if (context.request.method !== 'GET' || context.url.pathname.startsWith('/partials/')) {
      return new Response('请先登录 (sign in first)', { status: 401, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
    }
    const next = encodeURIComponent(context.url.pathname + context.url.search);
    return context.redirect(`/staff/sign-in?next=${next}`, 303);
  }
  if (user.mustChangePassword && context.url.pathname !== PASSWORD_PAGE) {
    return context.redirect(PASSWORD_PAGE, 303);
  }
  if (!can(user, action, resource)) return forbidden(context);
  return user;
}

/**
 * The 403 page with a 403 status, for a refusal found after the guard (an action the user may not
 * take on a page they may see). Astro.rewrite alone would answer 200.
 */
export async function forbidden(context: Pick<GuardContext, 'rewrite'>): Promise<Response> {
  const response = await context.rewrite('/403');
  return new Response(response.body, { status: 403, headers: response.headers });
}
