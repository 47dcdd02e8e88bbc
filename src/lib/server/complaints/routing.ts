/**
 * Direct reporting (直报): a complaint about a village or a township goes to the county commission
 * of that area, never through the township or village it concerns; one about county-level
 * officials goes to the city. An escalated case (提级) moves one level up from where it is.
 */
import type { AreaLevel } from '../../../../db/schema/areas.ts';
import { levelOfCode, PREFIX_LENGTH } from '../areas/codes.ts';

function areaAt(code: string, level: AreaLevel): string {
  return code.slice(0, PREFIX_LENGTH[level]).padEnd(12, '0');
}

export function routeComplaint(areaCode: string): string {
  const level = levelOfCode(areaCode);
  if (level === 'village' || level === 'township') return areaAt(areaCode, 'county');
  if (level === 'county') return areaAt(areaCode, 'city');
  return areaAt(areaCode, 'province');
}

/** The commission one level above the one holding the case (county → city → province). */
export function escalationTarget(routedScopeCode: string): string {
  const level = levelOfCode(routedScopeCode);
  if (level === 'county') return areaAt(routedScopeCode, 'city');
  return areaAt(routedScopeCode, 'province');
}
