/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    lang: import('./i18n/index.ts').Lang;
    t: import('./i18n/index.ts').Translate;
    /** The large-text mode (长辈版) chosen with /text-size, a cookie like the language (set by the middleware; absent means standard). */
    textSize?: import('./lib/server/text-size.ts').TextSize;
    /** The signed-in staff member on /staff pages; null elsewhere and when signed out. */
    user: import('./lib/server/auth/sessions.ts').SessionUser | null;
    /** The id (SHA-256 of the token) of the current session, for sign-out. */
    sessionId: string | null;
    /** Set by the middleware when it refuses a request at the edge; read by src/pages/400.astro. */
    edgeProblem?: import('./lib/server/edge.ts').EdgeProblem;
  }
}
