/**
 * The public routes the hostile-input tests attack (tests/hostile/public-pages.test.ts and
 * open-data.test.ts), with their path and query parameters; tests/hostile/coverage.test.ts holds
 * them to the route files under src/pages, so a new route cannot be left out.
 */
import type { GetRoute } from './hostile.ts';
import type { FormRoute } from './hostile-staff.ts';

const SANGHE = '990121000000';
const HOUYING = '990121001202';
const page = (loader: () => Promise<{ default: unknown }>) => async () => (await loader()).default as never;
/** An endpoint module is rendered as itself (its GET/POST exports). */
const endpoint = (loader: () => Promise<unknown>) => async () => (await loader()) as never;

/** Every public page and download read with GET. */
export function publicPageRoutes(livelihoodItem: () => string): GetRoute[] {
  return [
    { name: '/', page: page(() => import('../../src/pages/index.astro')), params: () => ({}), path: () => '/', query: ['q', 'county'] },
    { name: '/catalog', page: page(() => import('../../src/pages/catalog/index.astro')), params: () => ({}), path: () => '/catalog', query: ['category'] },
    { name: '/catalog/[code]', page: page(() => import('../../src/pages/catalog/[code].astro')), params: () => ({ code: 'SP-01' }), path: (p) => `/catalog/${p.code}`, query: [] },
    { name: '/counties', page: page(() => import('../../src/pages/counties/index.astro')), params: () => ({}), path: () => '/counties', query: [] },
    { name: '/counties/[code]', page: page(() => import('../../src/pages/counties/[code]/index.astro')), params: () => ({ code: SANGHE }), path: (p) => `/counties/${p.code}`, query: ['v'] },
    { name: '/counties/[code]/items/[item]', page: page(() => import('../../src/pages/counties/[code]/items/[item].astro')), params: () => ({ code: SANGHE, item: 'FW-01' }), path: (p) => `/counties/${p.code}/items/${p.item}`, query: ['v'] },
    { name: '/counties/[code]/changes', page: page(() => import('../../src/pages/counties/[code]/changes.astro')), params: () => ({ code: SANGHE }), path: (p) => `/counties/${p.code}/changes`, query: ['v'] },
    { name: '/counties/[code]/overdue', page: page(() => import('../../src/pages/counties/[code]/overdue.astro')), params: () => ({ code: SANGHE }), path: (p) => `/counties/${p.code}/overdue`, query: [] },
    { name: '/search', page: page(() => import('../../src/pages/search.astro')), params: () => ({}), path: () => '/search', query: ['q', 'county'] },
    { name: '/partials/search', page: page(() => import('../../src/pages/partials/search.astro')), params: () => ({}), path: () => '/partials/search', query: ['q', 'county'] },
    { name: '/villages', page: page(() => import('../../src/pages/villages/index.astro')), params: () => ({}), path: () => '/villages', query: ['q', 'county'] },
    { name: '/villages/[code]', page: page(() => import('../../src/pages/villages/[code]/index.astro')), params: () => ({ code: HOUYING }), path: (p) => `/villages/${p.code}`, query: ['period'] },
    { name: '/villages/[code]/verify', page: page(() => import('../../src/pages/villages/[code]/verify.astro')), params: () => ({ code: HOUYING }), path: (p) => `/villages/${p.code}/verify`, query: [] },
    { name: '/villages/[code]/print', page: page(() => import('../../src/pages/villages/[code]/print.astro')), params: () => ({ code: HOUYING }), path: (p) => `/villages/${p.code}/print`, query: ['period'] },
    { name: '/villages/[code]/download', page: endpoint(() => import('../../src/pages/villages/[code]/download.ts')), params: () => ({ code: HOUYING }), path: (p) => `/villages/${p.code}/download`, query: ['period', 'format'], endpoint: true },
    { name: '/ledgers/checkpoint', page: endpoint(() => import('../../src/pages/ledgers/checkpoint.ts')), params: () => ({}), path: () => '/ledgers/checkpoint', query: [], endpoint: true },
    { name: '/ledgers/checkpoint-key', page: endpoint(() => import('../../src/pages/ledgers/checkpoint-key.ts')), params: () => ({}), path: () => '/ledgers/checkpoint-key', query: [], endpoint: true },
    { name: '/ledgers/consistency', page: endpoint(() => import('../../src/pages/ledgers/consistency.ts')), params: () => ({}), path: () => '/ledgers/consistency', query: ['from:number', 'to:number'], endpoint: true },
    { name: '/ledgers/leaves', page: endpoint(() => import('../../src/pages/ledgers/leaves.ts')), params: () => ({}), path: () => '/ledgers/leaves', query: ['start:number', 'end:number'], endpoint: true },
    { name: '/ledgers/head', page: page(() => import('../../src/pages/ledgers/head.astro')), params: () => ({}), path: () => '/ledgers/head', query: ['date'] },
    { name: '/statistics/[code]', page: page(() => import('../../src/pages/statistics/[code].astro')), params: () => ({ code: SANGHE }), path: (p) => `/statistics/${p.code}`, query: ['month'] },
    { name: '/statistics/[code]/livelihood', page: page(() => import('../../src/pages/statistics/[code]/livelihood/index.astro')), params: () => ({ code: SANGHE }), path: (p) => `/statistics/${p.code}/livelihood`, query: [] },
    { name: '/statistics/[code]/livelihood/[item]', page: page(() => import('../../src/pages/statistics/[code]/livelihood/[item].astro')), params: () => ({ code: SANGHE, item: livelihoodItem() }), path: (p) => `/statistics/${p.code}/livelihood/${p.item}`, query: ['period'] },
    { name: '/report', page: page(() => import('../../src/pages/report/index.astro')), params: () => ({}), path: () => '/report', query: ['county', 'area', 'village', 'item', 'entry'] },
    { name: '/track', page: page(() => import('../../src/pages/track.astro')), params: () => ({}), path: () => '/track', query: ['receipt'] },
    { name: '/livelihood/lookup', page: page(() => import('../../src/pages/livelihood/lookup.astro')), params: () => ({}), path: () => '/livelihood/lookup', query: ['idNumber', 'name'] },
    { name: '/lang', page: endpoint(() => import('../../src/pages/lang.ts')), params: () => ({}), path: () => '/lang', query: ['to', 'next'], endpoint: true },
    { name: '/text-size', page: endpoint(() => import('../../src/pages/text-size.ts')), params: () => ({}), path: () => '/text-size', query: ['to', 'next'], endpoint: true },
    { name: '/healthz', page: endpoint(() => import('../../src/pages/healthz.ts')), params: () => ({}), path: () => '/healthz', query: [], endpoint: true },
    { name: '/staff/sign-in', page: page(() => import('../../src/pages/staff/sign-in.astro')), params: () => ({}), path: () => '/staff/sign-in', query: ['next'] },
    { name: '/404', page: page(() => import('../../src/pages/404.astro')), params: () => ({}), path: () => '/no/such/page', query: ['q'] },
  ];
}

/** The open-data API and the GET side of the complaint API. */
export function openDataRoutes(livelihoodItem: () => string, receipt: () => string): GetRoute[] {
  return [
    { name: '/api/v1/catalog', page: endpoint(() => import('../../src/pages/api/v1/catalog.ts')), params: () => ({}), path: () => '/api/v1/catalog', query: ['category'], endpoint: true },
    { name: '/api/v1/counties', page: endpoint(() => import('../../src/pages/api/v1/counties/index.ts')), params: () => ({}), path: () => '/api/v1/counties', query: [], endpoint: true },
    { name: '/api/v1/counties/[code]/items', page: endpoint(() => import('../../src/pages/api/v1/counties/[code]/items.ts')), params: () => ({ code: SANGHE }), path: (p) => `/api/v1/counties/${p.code}/items`, query: [], endpoint: true },
    { name: '/api/v1/villages', page: endpoint(() => import('../../src/pages/api/v1/villages/index.ts')), params: () => ({}), path: () => '/api/v1/villages', query: ['q', 'county'], endpoint: true },
    { name: '/api/v1/villages/[code]', page: endpoint(() => import('../../src/pages/api/v1/villages/[code]/index.ts')), params: () => ({ code: HOUYING }), path: (p) => `/api/v1/villages/${p.code}`, query: [], endpoint: true },
    { name: '/api/v1/villages/[code]/disclosures', page: endpoint(() => import('../../src/pages/api/v1/villages/[code]/disclosures.ts')), params: () => ({ code: HOUYING }), path: (p) => `/api/v1/villages/${p.code}/disclosures`, query: [], endpoint: true },
    { name: '/api/v1/villages/[code]/[section]', page: endpoint(() => import('../../src/pages/api/v1/villages/[code]/[section].ts')), params: () => ({ code: HOUYING, section: 'funds' }), path: (p) => `/api/v1/villages/${p.code}/${p.section}`, query: ['period'], endpoint: true },
    { name: '/api/v1/villages/[code]/livelihood', page: endpoint(() => import('../../src/pages/api/v1/villages/[code]/livelihood.ts')), params: () => ({ code: '990121001201' }), path: (p) => `/api/v1/villages/${p.code}/livelihood`, query: [], endpoint: true },
    { name: '/api/v1/statistics/[code]', page: endpoint(() => import('../../src/pages/api/v1/statistics/[code].ts')), params: () => ({ code: SANGHE }), path: (p) => `/api/v1/statistics/${p.code}`, query: ['month', 'format'], endpoint: true },
    { name: '/api/v1/statistics/[code]/livelihood', page: endpoint(() => import('../../src/pages/api/v1/statistics/[code]/livelihood/index.ts')), params: () => ({ code: SANGHE }), path: (p) => `/api/v1/statistics/${p.code}/livelihood`, query: ['format'], endpoint: true },
    { name: '/api/v1/statistics/[code]/livelihood/[item]', page: endpoint(() => import('../../src/pages/api/v1/statistics/[code]/livelihood/[item].ts')), params: () => ({ code: SANGHE, item: livelihoodItem() }), path: (p) => `/api/v1/statistics/${p.code}/livelihood/${p.item}`, query: ['period', 'format'], endpoint: true },
    { name: '/api/v1/complaints/challenge', page: endpoint(() => import('../../src/pages/api/v1/complaints/challenge.ts')), params: () => ({}), path: () => '/api/v1/complaints/challenge', query: [], endpoint: true },
    { name: '/api/v1/complaints/[receipt]', page: endpoint(() => import('../../src/pages/api/v1/complaints/[receipt].ts')), params: () => ({ receipt: receipt() }), path: (p) => `/api/v1/complaints/${p.receipt}`, query: [], endpoint: true },
  ];
}

/** A JPEG's start and end markers and nothing between: a file the upload refuses as unreadable. */
const jpeg = () => ({ name: 'attachments', filename: 'IMG_0001.jpg', type: 'image/jpeg', bytes: Uint8Array.from([0xff, 0xd8, 0xff, 0xd9]) });

/** Receipts of two cases for the tracking forms: one open, one concluded with a reply. */
export interface Receipts {
  open: string;
  concluded: string;
}

/** Every public form (and staff sign-in and sign-out), read from its page as a visitor gets it. */
export function publicFormRoutes(): FormRoute<Receipts>[] {
  return [
    { file: 'report/index.astro', url: () => '/report?county=990121000000', params: () => ({}), page: page(() => import('../../src/pages/report/index.astro')), values: { subjectName: '', itemCode: '', fundEntryId: '', phone: '13800138000', website: '' }, files: { attachments: jpeg } },
    { file: 'track.astro (lookup)', url: () => '/track', params: () => ({}), page: page(() => import('../../src/pages/track.astro')) },
    { file: 'track.astro (open case: material)', url: () => '/track', params: () => ({}), page: page(() => import('../../src/pages/track.astro')), readWith: (r) => ({ receipt: r.open }) },
    { file: 'track.astro (concluded case: rating, objection)', url: () => '/track', params: () => ({}), page: page(() => import('../../src/pages/track.astro')), readWith: (r) => ({ receipt: r.concluded }) },
    { file: 'livelihood/lookup.astro', url: () => '/livelihood/lookup', params: () => ({}), page: page(() => import('../../src/pages/livelihood/lookup.astro')), values: { idNumber: '431121195603120249', name: '张小三' } },
    { file: 'staff/sign-in.astro', url: () => '/staff/sign-in', params: () => ({}), page: page(() => import('../../src/pages/staff/sign-in.astro')), values: { username: 'qianying.kj', password: 'yidiantong-baozhang-2026' } },
    { file: 'staff/sign-out.ts', url: () => '/staff/sign-out', params: () => ({}), page: async () => (await import('../../src/pages/staff/sign-out.ts')) as never, endpoint: true, noForm: true, as: 'sanghe.cb' },
  ];
}

/** The route files the public forms post to. */
export const PUBLIC_FORM_FILES = [...new Set(publicFormRoutes().map((route) => route.file.replace(/ \(.*\)$/, '')))];
