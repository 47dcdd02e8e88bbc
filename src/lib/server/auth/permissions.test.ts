import { describe, expect, it } from 'vitest';
import { can, complaintReach, creatableRoles, inScope, mayReadAuditAction, type Actor } from './permissions.ts';

const admin: Actor = { id: 'a', role: 'admin', scopeCode: null };
const city: Actor = { id: 'c', role: 'commission', scopeCode: '990100000000' };
const county: Actor = { id: 'k', role: 'commission', scopeCode: '990121000000' };
const township: Actor = { id: 't', role: 'commission', scopeCode: '990121001000' };
const cadre: Actor = { id: 'v', role: 'cadre', scopeCode: '990121001201' };
const supervisor: Actor = { id: 's', role: 'supervisor', scopeCode: '990121001201' };
const agency: Actor = { id: 'g', role: 'agency', scopeCode: '990121001000' };

const SANGHE = '990121000000';
const LIUGANG = '990122000000';
const QIANYING = '990121001201';
const NEIGHBOUR_VILLAGE = '990121002201';

describe('scope', () => {
  it('is a prefix test on division codes', () => {
    expect(inScope(county, QIANYING)).toBe(true);
    expect(inScope(county, LIUGANG)).toBe(false);
    expect(inScope(township, NEIGHBOUR_VILLAGE)).toBe(false);
    expect(inScope(admin, LIUGANG)).toBe(true);
    expect(inScope(county, null)).toBe(false);
  });
});

describe('can', () => {
  it('lets nobody in without an account', () => {
    expect(can(null, 'staff.enter')).toBe(false);
    expect(can(undefined, 'audit.view')).toBe(false);
  });

  it('lets every role into its own staff area and nothing else for village roles', () => {
    for (const actor of [cadre, supervisor]) {
      expect(can(actor, 'staff.enter')).toBe(true);
      for (const action of ['user.list', 'user.manage', 'countyList.browse', 'countyList.edit', 'countyList.publish', 'audit.view'] as const) {
        expect(can(actor, action, { scopeCode: QIANYING, role: 'cadre' }), `${actor.role} ${action}`).toBe(false);
      }
    }
  });

  it('lets a county commission edit and publish its own county list only', () => {
    expect(can(county, 'countyList.edit', { scopeCode: SANGHE })).toBe(true);
    expect(can(county, 'countyList.publish', { scopeCode: SANGHE })).toBe(true);
    expect(can(county, 'countyList.edit', { scopeCode: LIUGANG })).toBe(false);
    expect(can(county, 'countyList.edit', { scopeCode: '990121001000' })).toBe(false); // a township is not a county list
    expect(can(city, 'countyList.publish', { scopeCode: LIUGANG })).toBe(true);
  });

  it('does not let a township commission edit the county list', () => {
    expect(can(township, 'countyList.edit', { scopeCode: SANGHE })).toBe(false);
  });

  it('lets a commission manage village accounts in scope and commission accounts strictly below it', () => {
    expect(can(county, 'user.manage', { role: 'cadre', scopeCode: QIANYING })).toBe(true);
    expect(can(county, 'user.manage', { role: 'supervisor', scopeCode: QIANYING })).toBe(true);
    expect(can(county, 'user.manage', { role: 'commission', scopeCode: '990121001000' })).toBe(true);
    expect(can(county, 'user.manage', { role: 'commission', scopeCode: SANGHE })).toBe(false); // its own level
    expect(can(county, 'user.manage', { role: 'commission', scopeCode: '990100000000' })).toBe(false); // above it
    expect(can(county, 'user.manage', { role: 'cadre', scopeCode: '990122001201' })).toBe(false); // another county
    expect(can(county, 'user.manage', { role: 'cadre', scopeCode: '990121001000' })).toBe(false); // cadres belong to villages
    expect(can(county, 'user.manage', { role: 'admin', scopeCode: null })).toBe(false);
    expect(can(county, 'user.manage', { role: 'commission', scopeCode: '990121001000', userId: county.id })).toBe(false);
  });

  it('lets an administrator do everything', () => {
    expect(can(admin, 'user.manage', { role: 'admin', scopeCode: null })).toBe(true);
    expect(can(admin, 'countyList.publish', { scopeCode: LIUGANG })).toBe(true);
  });

  it('offers each role only the accounts it may create', () => {
    expect(creatableRoles(admin)).toEqual(['admin', 'commission', 'agency', 'department', 'cadre', 'supervisor', 'liaison']);
    expect(creatableRoles(county)).toEqual(['commission', 'agency', 'department', 'cadre', 'supervisor', 'liaison']);
    expect(creatableRoles(township)).toEqual(['commission', 'agency', 'cadre', 'supervisor', 'liaison']); // a county's departments are made above it
    expect(creatableRoles(cadre)).toEqual([]);
    expect(creatableRoles(agency)).toEqual([]);
  });

  it('lets a commission create township agency accounts in its area, at township level only', () => {
    expect(can(county, 'user.manage', { role: 'agency', scopeCode: '990121001000' })).toBe(true);
    expect(can(county, 'user.manage', { role: 'agency', scopeCode: QIANYING })).toBe(false);
    expect(can(county, 'user.manage', { role: 'agency', scopeCode: SANGHE })).toBe(false);
    expect(can(county, 'user.manage', { role: 'agency', scopeCode: '990122001000' })).toBe(false);
    expect(can(agency, 'user.manage', { role: 'cadre', scopeCode: QIANYING })).toBe(false);
    expect(can(agency, 'user.list')).toBe(false);
    expect(can(agency, 'audit.view')).toBe(false);
    expect(can(agency, 'complaint.queue')).toBe(false);
  });
});

describe('village ledgers', () => {
  const QIANYING_VILLAGE = '990121001201';
  const HOUYING = '990121001202';

  it('lets the cadre edit and the supervisor countersign their own village only', () => {
    expect(can(cadre, 'ledger.edit', { scopeCode: QIANYING_VILLAGE })).toBe(true);
    expect(can(cadre, 'ledger.edit', { scopeCode: HOUYING })).toBe(false);
    expect(can(cadre, 'ledger.countersign', { scopeCode: QIANYING_VILLAGE })).toBe(false);
    expect(can(supervisor, 'ledger.countersign', { scopeCode: QIANYING_VILLAGE })).toBe(true);
    expect(can(supervisor, 'ledger.edit', { scopeCode: QIANYING_VILLAGE })).toBe(false);
    expect(can(supervisor, 'ledger.review', { scopeCode: QIANYING_VILLAGE })).toBe(false);
  });

  it('lets the township agency review its villages, and nobody review outside scope', () => {
    expect(can(agency, 'ledger.review', { scopeCode: QIANYING_VILLAGE })).toBe(true);
    expect(can(agency, 'ledger.cadence', { scopeCode: QIANYING_VILLAGE })).toBe(true);
    expect(can(agency, 'ledger.view', { scopeCode: QIANYING_VILLAGE })).toBe(true);
    expect(can(agency, 'ledger.flags', { scopeCode: QIANYING_VILLAGE })).toBe(true);
    expect(can(agency, 'ledger.review', { scopeCode: NEIGHBOUR_VILLAGE })).toBe(false);
    expect(can(agency, 'ledger.view', { scopeCode: NEIGHBOUR_VILLAGE })).toBe(false);
    for (const action of ['ledger.edit', 'ledger.countersign', 'ledger.supervise'] as const) expect(can(agency, action, { scopeCode: QIANYING_VILLAGE })).toBe(false);
  });

  it('lets a commission supervise (read, flags, opinions) but never approve or set the cadence', () => {
    for (const commission of [city, county, township]) {
      expect(can(commission, 'ledger.view', { scopeCode: QIANYING_VILLAGE })).toBe(true);
      expect(can(commission, 'ledger.flags', { scopeCode: QIANYING_VILLAGE })).toBe(true);
      expect(can(commission, 'ledger.supervise', { scopeCode: QIANYING_VILLAGE })).toBe(true);
      expect(can(commission, 'ledger.overview')).toBe(true);
      for (const action of ['ledger.review', 'ledger.cadence', 'ledger.edit', 'ledger.countersign'] as const) expect(can(commission, action, { scopeCode: QIANYING_VILLAGE })).toBe(false);
    }
    expect(can(township, 'ledger.supervise', { scopeCode: NEIGHBOUR_VILLAGE })).toBe(false);
    expect(can(agency, 'ledger.overview')).toBe(true);
    for (const other of [admin, cadre, supervisor]) expect(can(other, 'ledger.overview')).toBe(false);
  });

  it('shows the red flags to the village’s cadre and supervisor too, not to administrators', () => {
    expect(can(cadre, 'ledger.flags', { scopeCode: QIANYING_VILLAGE })).toBe(true);
    expect(can(supervisor, 'ledger.flags', { scopeCode: QIANYING_VILLAGE })).toBe(true);
    expect(can(cadre, 'ledger.flags', { scopeCode: HOUYING })).toBe(false);
    expect(can(admin, 'ledger.flags', { scopeCode: QIANYING_VILLAGE })).toBe(false);
  });

  it('keeps administrators out of village bookkeeping', () => {
    expect(can(admin, 'ledger.view', { scopeCode: QIANYING_VILLAGE })).toBe(true);
    for (const action of ['ledger.edit', 'ledger.countersign', 'ledger.review', 'ledger.supervise', 'ledger.cadence'] as const) {
      expect(can(admin, action, { scopeCode: QIANYING_VILLAGE })).toBe(false);
    }
  });

  it('answers ledger questions only for villages', () => {
    expect(can(county, 'ledger.review', { scopeCode: SANGHE })).toBe(false);
    expect(can(county, 'ledger.view', {})).toBe(false);
  });
});

describe('complaints', () => {
  const routed = { routedScopeCode: '990121000000', assigneeId: null };

  it('are handled by the commission they are routed to, and by its superiors', () => {
    expect(can(county, 'complaint.handle', routed)).toBe(true);
    expect(can(city, 'complaint.handle', routed)).toBe(true);
    expect(can({ id: 'o', role: 'commission', scopeCode: '990122000000' }, 'complaint.handle', routed)).toBe(false);
  });

  it('reach a township commission only when handed down to it, never one about its own leadership (回避)', () => {
    const handed = { ...routed, handedDownTo: township.scopeCode!, subjectLevel: 'village_cadre' as const, areaCode: QIANYING };
    expect(can(township, 'complaint.handle', routed)).toBe(false);
    expect(can(township, 'complaint.handle', { ...routed, assigneeId: township.id })).toBe(false); // being named is not a hand-down
    expect(can(township, 'complaint.handle', handed)).toBe(true);
    expect(can(township, 'complaint.report', handed)).toBe(true);
    expect(can({ ...township, id: 't2', scopeCode: '990121002000' }, 'complaint.handle', handed)).toBe(false);
    const ownLeadership = { ...handed, subjectLevel: 'township_leader' as const, areaCode: '990121001000' };
    for (const action of ['complaint.handle', 'complaint.report'] as const) expect(can(township, action, ownLeadership)).toBe(false);
    // Another township's leadership is not its own.
    expect(can(township, 'complaint.handle', { ...ownLeadership, areaCode: '990121002000' })).toBe(true);
    // The township works the case; the county decides it.
    for (const action of ['complaint.manage', 'complaint.propose', 'complaint.approve'] as const) expect(can({ ...township, approver: true }, action, { ...handed, assigneeId: township.id, proposedBy: 'x' })).toBe(false);
    expect(can(county, 'complaint.report', handed)).toBe(false);
  });

  it('are proposed by the handler and approved by another commission user of the same commission with approval rights', () => {
    const handler: Actor = { id: 'h', role: 'commission', scopeCode: SANGHE };
    const approver: Actor = { id: 'a', role: 'commission', scopeCode: SANGHE, approver: true };
    const handled = { ...routed, assigneeId: handler.id, proposedBy: handler.id };
    expect(can(handler, 'complaint.propose', handled)).toBe(true);
    expect(can(approver, 'complaint.propose', handled)).toBe(false);
    expect(can(handler, 'complaint.propose', routed)).toBe(false); // no handler named yet
    expect(can(approver, 'complaint.approve', handled)).toBe(true);
    expect(can({ ...handler, approver: true }, 'complaint.approve', handled)).toBe(false); // never one's own
    expect(can(approver, 'complaint.approve', { ...handled, assigneeId: approver.id })).toBe(false); // nor the handler's
    expect(can(approver, 'complaint.approve', { ...handled, proposedBy: approver.id })).toBe(false);
    expect(can(approver, 'complaint.approve', { ...handled, proposedBy: undefined })).toBe(false);
    expect(can({ ...approver, approver: false }, 'complaint.approve', handled)).toBe(false);
    expect(can({ ...approver }, 'complaint.approve', { ...handled, routedScopeCode: '990122000000' })).toBe(false);
    // The city reaches the county's cases but does not sit in its collective decision.
    expect(can({ ...city, approver: true }, 'complaint.approve', handled)).toBe(false);
    expect(can(city, 'complaint.manage', handled)).toBe(true);
  });

  it('are configured (transfer units, time limits) by the county’s commission or the one above', () => {
    expect(can(county, 'complaint.configure', { scopeCode: SANGHE })).toBe(true);
    expect(can(city, 'complaint.configure', { scopeCode: SANGHE })).toBe(true);
    expect(can(county, 'complaint.configure', { scopeCode: LIUGANG })).toBe(false);
    for (const actor of [township, admin, cadre, supervisor]) expect(can(actor, 'complaint.configure', { scopeCode: SANGHE })).toBe(false);
  });

  it('are never open to cadres, supervisors or administrators', () => {
    for (const actor of [cadre, supervisor, admin]) {
      expect(can(actor, 'complaint.queue')).toBe(false);
      for (const action of ['complaint.handle', 'complaint.manage', 'complaint.propose', 'complaint.approve', 'complaint.report'] as const) {
        expect(can({ ...actor, approver: true }, action, { ...routed, assigneeId: actor.id, handedDownTo: actor.scopeCode, proposedBy: 'x' })).toBe(false);
      }
    }
  });
});

describe('complaint reach, for queries and the audit log', () => {
  it('describes in data the same rule can() applies', () => {
    for (const actor of [admin, cadre, supervisor]) expect(complaintReach(actor)).toEqual({ kind: 'none' });
    expect(complaintReach(township)).toEqual({ kind: 'handedDown', townshipCode: township.scopeCode });
    expect(complaintReach(county)).toEqual({ kind: 'routed', scopeCode: SANGHE });
  });

  it('lets only commission users read complaint entries of the audit log; administrators keep the rest', () => {
    for (const actor of [admin, cadre, supervisor]) {
      expect(mayReadAuditAction(actor, 'complaint.accept')).toBe(false);
      expect(mayReadAuditAction(actor, 'complaint.identityRevealed')).toBe(false);
    }
    expect(mayReadAuditAction(admin, 'user.created')).toBe(true);
    expect(mayReadAuditAction(cadre, 'user.created')).toBe(false); // no audit log at all
    expect(mayReadAuditAction(county, 'complaint.identityRevealed')).toBe(true);
    expect(mayReadAuditAction(township, 'complaint.accept')).toBe(true);
  });
});

describe('county departments (livelihood funds)', () => {
  const minzheng: Actor = { id: 'd', role: 'department', scopeCode: SANGHE, departmentId: 'dept-mz' };
  const unknownDepartment: Actor = { id: 'd2', role: 'department', scopeCode: SANGHE };

  it('manage their own department’s items and batches in their own county only', () => {
    for (const action of ['livelihood.items', 'livelihood.import'] as const) {
      expect(can(minzheng, action)).toBe(true);
      expect(can(minzheng, action, { scopeCode: SANGHE, departmentId: 'dept-mz' })).toBe(true);
      expect(can(minzheng, action, { scopeCode: SANGHE, departmentId: 'dept-ny' })).toBe(false); // another department
      expect(can(minzheng, action, { scopeCode: LIUGANG, departmentId: 'dept-mz' })).toBe(false); // another county
      expect(can(unknownDepartment, action, { scopeCode: SANGHE, departmentId: 'dept-mz' })).toBe(false); // department not read
    }
  });

  it('answer and correct suspects of their own items only; the county commission of the county sends and reviews them', () => {
    const liugangCounty: Actor = { id: 'l', role: 'commission', scopeCode: LIUGANG };
    expect(can(minzheng, 'livelihood.answer', { scopeCode: SANGHE, departmentId: 'dept-mz' })).toBe(true);
    expect(can(minzheng, 'livelihood.answer', { scopeCode: SANGHE, departmentId: 'dept-ny' })).toBe(false);
    expect(can(minzheng, 'livelihood.answer', { scopeCode: LIUGANG, departmentId: 'dept-mz' })).toBe(false);
    expect(can(unknownDepartment, 'livelihood.answer', { scopeCode: SANGHE, departmentId: 'dept-mz' })).toBe(false);
    for (const actor of [admin, city, county, township, agency, cadre, supervisor]) expect(can(actor, 'livelihood.answer', { scopeCode: SANGHE, departmentId: 'dept-mz' }), actor.role).toBe(false);
    expect(can(county, 'livelihood.supervise', { scopeCode: SANGHE })).toBe(true);
    // The city reads the hits and suspects; it does not act on a county's.
    for (const actor of [admin, city, township, liugangCounty, agency, cadre, supervisor, minzheng]) expect(can(actor, 'livelihood.supervise', { scopeCode: SANGHE }), `${actor.role} ${actor.scopeCode}`).toBe(false);
    expect(can(city, 'livelihood.hits', { scopeCode: SANGHE })).toBe(true);
  });

  it('are the only ones who do: administrators and commissions supervise, they do not define payments', () => {
    for (const actor of [admin, city, county, township, agency, cadre, supervisor]) {
      expect(can(actor, 'livelihood.items'), actor.role).toBe(false);
      expect(can(actor, 'livelihood.import', { scopeCode: SANGHE, departmentId: 'dept-mz' }), actor.role).toBe(false);
    }
  });

  it('see nothing of village ledgers, complaints, accounts, lists or the audit log', () => {
    for (const action of ['ledger.queue', 'ledger.overview'] as const) expect(can(minzheng, action), action).toBe(false);
    for (const action of ['ledger.view', 'ledger.edit', 'ledger.flags', 'ledger.supervise'] as const) expect(can(minzheng, action, { scopeCode: QIANYING }), action).toBe(false);
    for (const action of ['complaint.queue', 'complaint.handle', 'complaint.configure', 'zone.manage'] as const) {
      expect(can(minzheng, action, { scopeCode: SANGHE, routedScopeCode: SANGHE }), action).toBe(false);
    }
    expect(complaintReach(minzheng).kind).toBe('none');
    for (const action of ['user.list', 'audit.view', 'countyList.browse', 'countyList.edit'] as const) expect(can(minzheng, action, { scopeCode: SANGHE }), action).toBe(false);
    expect(can(minzheng, 'user.manage', { role: 'department', scopeCode: SANGHE })).toBe(false);
    expect(creatableRoles(minzheng)).toEqual([]);
    expect(can(minzheng, 'staff.enter')).toBe(true);
  });

  it('have their accounts made by commissions whose area holds the county, at county level', () => {
    expect(can(county, 'user.manage', { role: 'department', scopeCode: SANGHE })).toBe(true);
    expect(can(city, 'user.manage', { role: 'department', scopeCode: LIUGANG })).toBe(true);
    expect(can(county, 'user.manage', { role: 'department', scopeCode: LIUGANG })).toBe(false);
    expect(can(township, 'user.manage', { role: 'department', scopeCode: SANGHE })).toBe(false);
    expect(can(county, 'user.manage', { role: 'department', scopeCode: '990121001000' })).toBe(false);
    expect(can(admin, 'user.manage', { role: 'department', scopeCode: SANGHE })).toBe(true);
  });

  it('keep the ledger queue for everyone else', () => {
    for (const actor of [admin, city, county, township, agency, cadre, supervisor]) expect(can(actor, 'ledger.queue'), actor.role).toBe(true);
  });
});

describe('direct reporting points and daily supervision', () => {
  const liaison: Actor = { id: 'l', role: 'liaison', scopeCode: QIANYING };
  const everyone = [admin, city, county, township, agency, cadre, supervisor];

  it('let only a village liaison file, about places of its own county', () => {
    expect(can(liaison, 'directPoint.file')).toBe(true);
    expect(can(liaison, 'directPoint.file', { scopeCode: '990121001000' })).toBe(true);
    expect(can(liaison, 'directPoint.file', { scopeCode: SANGHE })).toBe(true);
    expect(can(liaison, 'directPoint.file', { scopeCode: '990122001201' })).toBe(false);
    expect(can(liaison, 'directPoint.file', { scopeCode: '990100000000' })).toBe(false);
    for (const actor of everyone) expect(can(actor, 'directPoint.file'), actor.role).toBe(false);
  });

  it('give the liaison no complaint, ledger, account or log', () => {
    expect(complaintReach(liaison).kind).toBe('none');
    for (const action of ['complaint.queue', 'complaint.handle', 'complaint.trace', 'ledger.queue', 'ledger.view', 'ledger.flags', 'user.list', 'audit.view', 'countyList.browse', 'talks.view', 'reminders.manage'] as const) {
      expect(can(liaison, action, { scopeCode: QIANYING, routedScopeCode: SANGHE, areaCode: QIANYING }), action).toBe(false);
    }
  });

  it('let the liaison read its own county’s reminders, and the county (or city) commission publish them', () => {
    expect(can(liaison, 'reminders.view')).toBe(true);
    expect(can(liaison, 'reminders.view', { scopeCode: SANGHE })).toBe(true);
    expect(can(liaison, 'reminders.view', { scopeCode: LIUGANG })).toBe(false);
    expect(can(county, 'reminders.manage', { scopeCode: SANGHE })).toBe(true);
    expect(can(city, 'reminders.manage', { scopeCode: SANGHE })).toBe(true);
    expect(can(county, 'reminders.manage', { scopeCode: LIUGANG })).toBe(false);
    expect(can(county, 'reminders.manage', { scopeCode: '990121001000' })).toBe(false);
    for (const actor of [admin, township, agency, cadre, supervisor]) expect(can(actor, 'reminders.manage'), actor.role).toBe(false);
  });

  it('let every commission record and read the reminders and talks of its own area only', () => {
    for (const actor of [city, county, township]) expect(can(actor, 'talks.record', { scopeCode: QIANYING }), actor.scopeCode!).toBe(true);
    expect(can(township, 'talks.record', { scopeCode: NEIGHBOUR_VILLAGE })).toBe(false);
    expect(can(county, 'talks.view', { scopeCode: '990122001201' })).toBe(false);
    for (const actor of [admin, agency, cadre, supervisor, liaison]) expect(can(actor, 'talks.record'), actor.role).toBe(false);
  });

  it('let a commission create a liaison account for a village in its area only', () => {
    expect(can(county, 'user.manage', { role: 'liaison', scopeCode: QIANYING })).toBe(true);
    expect(can(township, 'user.manage', { role: 'liaison', scopeCode: QIANYING })).toBe(true);
    expect(can(county, 'user.manage', { role: 'liaison', scopeCode: '990121001000' })).toBe(false);
    expect(can(county, 'user.manage', { role: 'liaison', scopeCode: '990122001201' })).toBe(false);
  });
});

describe('zone.work (collaboration zones)', () => {
  const member: Actor = { id: 'member-1', role: 'commission', scopeCode: '990121001000' };
  it('lets a commission account work a zone it sits in, and no one else', () => {
    expect(can(member, 'zone.work', { memberIds: ['member-1', 'other'] })).toBe(true);
    expect(can(member, 'zone.work', { memberIds: ['other'] })).toBe(false);
    expect(can(member, 'zone.work')).toBe(true); // a page's guard: the page lists only the actor's zones
    for (const role of ['admin', 'agency', 'cadre', 'supervisor', 'department', 'liaison'] as const) {
      expect(can({ id: 'member-1', role, scopeCode: role === 'admin' ? null : '990121001000' }, 'zone.work', { memberIds: ['member-1'] }), role).toBe(false);
    }
  });
});
