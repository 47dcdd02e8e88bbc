/** Reads a submitted form into plain strings (files and repeated names handled by the callers that need them). */
export async function readForm(request: Request): Promise<{ fields: Record<string, string>; all: (name: string) => string[] }> {
  let data: FormData;
  try {
    data = await request.formData();
  } catch {
    data = new FormData();
  }
  const fields: Record<string, string> = {};
  for (const [key, value] of data.entries()) {
    if (typeof value === 'string' && !(key in fields)) fields[key] = value;
  }
  return {
    fields,
    all: (name) => data.getAll(name).filter((value): value is string => typeof value === 'string'),
  };
}

/** The client address for in-memory throttling only (never stored or logged). */
export function clientKeyOf(context: { clientAddress?: string; request: Request }): string {
  try {
    return context.clientAddress ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
