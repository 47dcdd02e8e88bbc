/**
 * The large-text mode (长辈版): /text-size sets the cookie and goes back to a same-site page only, and
 * the layouts mark the page and offer the switch back, in both languages. The browser side (sizes,
 * persistence, no JavaScript) is tests/e2e/text-size.e2e.ts.
 */
import { experimental_AstroContainer as AstroContainer } from 'astro/container';
import { describe, expect, it } from 'vitest';
import { translator, type Lang } from '../i18n/index.ts';
import type { TextSize } from '../lib/server/text-size.ts';
import NotFound from './404.astro';
import * as textSizeRoute from './text-size.ts';

interface SetCookie {
  name: string;
  value: string;
  options: Record<string, unknown>;
}

function call(url: string): { response: Response | Promise<Response>; cookies: SetCookie[] } {
  const cookies: SetCookie[] = [];
  const response = textSizeRoute.GET({
    request: new Request(`http://localhost${url}`),
    url: new URL(`http://localhost${url}`),
    params: {},
    cookies: { set: (name: string, value: string, options: Record<string, unknown>) => cookies.push({ name, value, options }) },
    redirect: (path: string, status: number) => new Response(null, { status, headers: { Location: path } }),
  } as never);
  return { response, cookies };
}

describe('GET /text-size', () => {
  it('sets the cookie for a year, HttpOnly, and returns to the page it came from', async () => {
    const { response, cookies } = call('/text-size?to=large&next=' + encodeURIComponent('/villages/990121001201?period=2026-Q2'));
    expect((await response).status).toBe(303);
    expect((await response).headers.get('Location')).toBe('/villages/990121001201?period=2026-Q2');
    expect(cookies).toEqual([{ name: 'textsize', value: 'large', options: expect.objectContaining({ path: '/', httpOnly: true, sameSite: 'lax', maxAge: 31_536_000 }) }]);
  });

  it('takes anything but "large" as the standard size, and never leaves the site', async () => {
    for (const to of ['standard', 'LARGE', 'huge', '']) expect(call(`/text-size?to=${to}&next=/`).cookies[0]!.value, to).toBe('standard');
    for (const next of ['https://evil.example', '//evil.example', '/\\evil.example', '/%0d%0aSet-Cookie:x=1']) {
      expect((await call(`/text-size?to=large&next=${encodeURIComponent(next)}`).response).headers.get('Location'), next).not.toMatch(/evil|\r|\n/);
    }
    expect((await call('/text-size?to=large&next=' + encodeURIComponent('//evil.example')).response).headers.get('Location')).toBe('/');
  });
});

describe('the header switch', () => {
  async function render(lang: Lang, textSize?: TextSize): Promise<string> {
    const container = await AstroContainer.create();
    const response = await container.renderToResponse(NotFound, {
      request: new Request('http://localhost/no-such-page?x=1'),
      locals: { lang, t: translator(lang), user: null, sessionId: null, textSize },
    });
    return response.text();
  }

  it('offers the large text on a standard page, in Chinese and in English', async () => {
    const zh = await render('zh-CN');
    expect(zh).toMatch(/<html lang="zh-CN">/);
    expect(zh).toContain('<a class="text-size-switch" href="/text-size?to=large&amp;next=%2Fno-such-page%3Fx%3D1" title="字更大、按钮更大">');
    expect(zh).toMatch(/class="text-size-switch"[^>]*>\s*长辈版\s*<\/a>/);
    expect(await render('en', 'standard')).toMatch(/class="text-size-switch"[^>]*>\s*Large text\s*<\/a>/);
  });

  it('marks a page in large text and offers the way back', async () => {
    const zh = await render('zh-CN', 'large');
    expect(zh).toMatch(/<html lang="zh-CN" class="large-text">/);
    expect(zh).toMatch(/href="\/text-size\?to=standard&amp;next=%2Fno-such-page%3Fx%3D1">\s*标准版\s*<\/a>/);
    expect(await render('en', 'large')).toMatch(/>\s*Standard text\s*<\/a>/);
  });
});
