import { en } from './en.ts';
import { zhCN, type MessageKey } from './zh-CN.ts';

export type Lang = 'zh-CN' | 'en';
export type { MessageKey };
export const LANGS: readonly Lang[] = ['zh-CN', 'en'];
export const DEFAULT_LANG: Lang = 'zh-CN';
export const LANG_COOKIE = 'lang';

const catalogs: Record<Lang, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };

export function parseLang(value: string | undefined | null): Lang {
  return value === 'en' ? 'en' : DEFAULT_LANG;
}

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export function translator(lang: Lang): Translate {
  const messages = catalogs[lang];
  return (key, vars) => {
    const template = messages[key];
    if (!vars) return template;
    return template.replace(/\{(\w+)\}/g, (match, name: string) => (name in vars ? String(vars[name]) : match));
  };
}

/** Dates are shown in Chinese style in both languages' pages (YYYY年M月D日 / YYYY-MM-DD). */
export function formatDate(lang: Lang, isoDate: string | Date | null | undefined): string {
  if (!isoDate) return '';
  const date = typeof isoDate === 'string' ? new Date(`${isoDate.slice(0, 10)}T00:00:00+08:00`) : isoDate;
  return DATE_FORMATS[lang].format(date);
}

// Built once per language: constructing a formatter costs far more than using one.
const DATE_FORMATS: Record<Lang, Intl.DateTimeFormat> = {
  'zh-CN': new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'long', day: 'numeric' }),
  en: new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'short', day: 'numeric' }),
};
