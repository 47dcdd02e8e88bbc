/**
 * The session cookie. In production it is `__Host-` prefixed (Secure, Path=/, no Domain: the
 * browser refuses to let a sibling subdomain or plain HTTP set or read it). HttpOnly, SameSite=Lax.
 */
import type { AstroCookies, AstroCookieSetOptions } from 'astro';
import { getConfig } from '../config.ts';

export function sessionCookieName(isProduction = getConfig().isProduction): string {
  return isProduction ? '__Host-ydt_session' : 'ydt_session';
}

export function sessionCookieOptions(isProduction = getConfig().isProduction): AstroCookieSetOptions {
  return { httpOnly: true, sameSite: 'lax', secure: isProduction, path: '/' };
}

export function setSessionCookie(cookies: AstroCookies, token: string, expiresAt: Date): void {
  cookies.set(sessionCookieName(), token, { ...sessionCookieOptions(), expires: expiresAt });
}

export function clearSessionCookie(cookies: AstroCookies): void {
  cookies.set(sessionCookieName(), '', { ...sessionCookieOptions(), maxAge: 0 });
}
