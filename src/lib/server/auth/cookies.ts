/**
 * The session cookie. In production it is `__Host-` prefixed (Secure, Path=/, no Domain: the
 * browser refuses to let a sibling subdomain or plain HTTP set or read it). HttpOnly, SameSite=Lax.
 */
import type { AstroCookies } from 'astro';
import { getConfig } from '../config.ts';

export function sessionCookieName(): string {
  return getConfig().isProduction ? '__Host-ydt_session' : 'ydt_session';
}

export function setSessionCookie(cookies: AstroCookies, token: string, expiresAt: Date): void {
  cookies.set(sessionCookieName(), token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: getConfig().isProduction,
    path: '/',
    expires: expiresAt,
  });
}

export function clearSessionCookie(cookies: AstroCookies): void {
  cookies.set(sessionCookieName(), '', {
    httpOnly: true,
    sameSite: 'lax',
    secure: getConfig().isProduction,
    path: '/',
    maxAge: 0,
  });
}
