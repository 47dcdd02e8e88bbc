import type { APIRoute } from 'astro';
import { getDb } from '../../lib/server/db.ts';
import { invalidateSession } from '../../lib/server/auth/sessions.ts';
import { clearSessionCookie } from '../../lib/server/auth/cookies.ts';
import { recordAudit } from '../../lib/server/audit.ts';

/** Ends the session on the server (not only the cookie) and returns to the sign-in page. */
export const POST: APIRoute = async ({ locals, cookies, redirect }) => {
  if (locals.sessionId && locals.user) {
    const db = await getDb();
    await db.transaction(async (tx) => {
      await invalidateSession(tx, locals.sessionId!);
      await recordAudit(tx, {
        actor: locals.user,
        action: 'auth.signOut',
        subjectType: 'user',
        subjectId: locals.user!.id,
        scopeCode: locals.user!.scopeCode,
      });
    });
  }
  clearSessionCookie(cookies);
  return redirect('/staff/sign-in', 303);
};
