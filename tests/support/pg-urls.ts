/** Connection-string helpers for tests that create and drop PostgreSQL databases. */
export function databaseUrl(baseUrl: string, database: string): string {
  const url = new URL(baseUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** The maintenance database on the same server, for CREATE/DROP DATABASE. */
export function adminUrl(baseUrl: string): string {
  return databaseUrl(baseUrl, 'postgres');
}
