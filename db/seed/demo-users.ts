/**
 * Demo staff accounts, one per role, with documented passwords (README, "Demo accounts").
 * Only ever seeded outside production. They skip the first-sign-in password change so a visitor
 * can try every role straight away.
 */
import type { Role } from '../schema/auth.ts';

export interface DemoUser {
  username: string;
  displayName: string;
  role: Role;
  scopeCode: string | null;
  password: string;
  /** Complaint approval rights (commission accounts only). */
  approver?: boolean;
  /** The department a county department's account acts for (role department only). */
  department?: string;
}

export const demoUsers: DemoUser[] = [
  { username: 'demo.admin', displayName: '演示管理员', role: 'admin', scopeCode: null, password: 'yidiantong-guanli-2026' },
  { username: 'sanghe.jw', displayName: '桑河县纪委监委（演示）', role: 'commission', scopeCode: '990121000000', password: 'yidiantong-jiwei-2026', approver: true },
  // The handler of a 桑河县 case (承办人) proposes; sanghe.jw, who may approve, decides. The township
  // commission of 桑河镇 sees only the cases handed down to it.
  { username: 'sanghe.cb', displayName: '桑河县纪委监委承办人（演示）', role: 'commission', scopeCode: '990121000000', password: 'yidiantong-chengban-2026' },
  // 北原市's commission receives what is about a county's leaders (县领导) of its counties.
  { username: 'beiyuan.jw', displayName: '北原市纪委监委（演示）', role: 'commission', scopeCode: '990100000000', password: 'yidiantong-shijiwei-2026', approver: true },
  { username: 'sanghezhen.jw', displayName: '桑河镇纪委（演示）', role: 'commission', scopeCode: '990121001000', password: 'yidiantong-zhenjiwei-2026' },
  // Collaboration zones of 桑河县 (db/seed/demo-zones.ts): the township commissions of 东岭乡 and 白杨乡
  // and a liaison of 白杨乡 sit in the zones (sanghe.jw, a leader with approval rights, heads both).
  { username: 'dongling.xjw', displayName: '东岭乡纪委（演示）', role: 'commission', scopeCode: '990121002000', password: 'yidiantong-zhenjiwei-2026' },
  { username: 'baiyang.xjw', displayName: '白杨乡纪委（演示）', role: 'commission', scopeCode: '990121003000', password: 'yidiantong-zhenjiwei-2026' },
  { username: 'baiyang.lly', displayName: '白杨乡纪委联络员（演示）', role: 'commission', scopeCode: '990121003000', password: 'yidiantong-zhenjiwei-2026' },
  // Township three-assets agencies (三资代理服务中心 / 经管站): they review and publish their villages' periods.
  { username: 'sanghe.jgz', displayName: '桑河镇三资代理服务中心（演示）', role: 'agency', scopeCode: '990121001000', password: 'yidiantong-jingguan-2026' },
  { username: 'dongling.jgz', displayName: '东岭乡三资代理服务中心（演示）', role: 'agency', scopeCode: '990121002000', password: 'yidiantong-jingguan-2026' },
  { username: 'baiyang.jgz', displayName: '白杨乡三资代理服务中心（演示）', role: 'agency', scopeCode: '990121003000', password: 'yidiantong-jingguan-2026' },
  { username: 'liugang.jgz', displayName: '柳岗镇三资代理服务中心（演示）', role: 'agency', scopeCode: '990122001000', password: 'yidiantong-jingguan-2026' },
  { username: 'qianying.kj', displayName: '前营村报账员（演示）', role: 'cadre', scopeCode: '990121001201', password: 'yidiantong-baozhang-2026' },
  // A county's paying department (livelihood funds, issue 14): defines its subsidy items.
  { username: 'sanghe.mzj', displayName: '桑河县民政局（演示）', role: 'department', scopeCode: '990121000000', password: 'yidiantong-minzheng-2026', department: '桑河县民政局' },
  { username: 'qianying.jd', displayName: '前营村监委会（演示）', role: 'supervisor', scopeCode: '990121001201', password: 'yidiantong-jiandu-2026' },
  // A direct reporting point (直报点): 前营村's discipline member files for villagers, straight to the county.
  { username: 'qianying.jjwy', displayName: '前营村纪检委员（演示）', role: 'liaison', scopeCode: '990121001201', password: 'yidiantong-zhibao-2026' },
];
