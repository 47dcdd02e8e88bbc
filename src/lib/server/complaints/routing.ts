/**
 * Routing by jurisdiction over the person (管理权限, DESIGN.md §2) with direct reporting (直报): a
 * complaint about village, township or county-department officials goes to the county commission
 * of the place, never through the township or village it concerns; one about county leaders goes
 * to the city. A complaint about the head of the commission it would go to goes one level up. A
 * case moved up later (提级, or forwarded up) goes one level up from where it is.
 */
import type { AreaLevel } from '../../../../db/schema/areas.ts';
import type { SubjectLevel } from '../../../../db/schema/complaints.ts';
import { levelOfCode, PREFIX_LENGTH } from '../areas/codes.ts';

function areaAt(code: string, level: AreaLevel): string {
  return code.slice(0, PREFIX_LENGTH[level]).padEnd(12, '0');
}

/** The commission with jurisdiction over a complaint about `subjectLevel` at `areaCode` (a village, township or county). */
export function routeComplaint(areaCode: string, subjectLevel: SubjectLevel, aboutCommissionHead = false): string {
  const level = levelOfCode(areaCode);
  const competent = level === 'province' || level === 'city' ? areaAt(areaCode, level) : subjectLevel === 'county_leader' ? areaAt(areaCode, 'city') : areaAt(areaCode, 'county');
  return aboutCommissionHead ? escalationTarget(competent) : competent;
}

/** The commission one level above the one holding the case (county → city → province). */
export function escalationTarget(routedScopeCode: string): string {
  const level = levelOfCode(routedScopeCode);
  if (level === 'county') return areaAt(routedScopeCode, 'city');
  return areaAt(routedScopeCode, 'province');
}
