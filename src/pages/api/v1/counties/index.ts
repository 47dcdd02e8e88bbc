import type { APIRoute } from 'astro';
import { getDb } from '../../../../lib/server/db.ts';
import { publicJson } from '../../../../lib/server/http.ts';
import { countiesJson } from '../../../../lib/server/open-data.ts';

export const GET: APIRoute = async () => publicJson(await countiesJson(await getDb()));
