/** For page tests: the error summary's links, and those that land on no element of the page. */
export function summaryTargets(html: string): { links: string[]; missing: string[] } {
  const summary = html.match(/<div class="error-summary"[\s\S]*?<\/div>/)?.[0] ?? '';
  const links = [...summary.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]!);
  const ids = new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!));
  return { links, missing: links.filter((id) => !ids.has(id)) };
}
