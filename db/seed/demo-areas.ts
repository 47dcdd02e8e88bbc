/**
 * Demo administrative tree. Every place here is invented (the province code 99 is not used by
 * any real province), so demo lists and, later, invented ledgers never hang on a real village.
 */
import type { AreaLevel } from '../schema/areas.ts';

export interface AreaSeed {
  code: string;
  level: AreaLevel;
  name: string;
  parentCode: string | null;
}

type Tree = { name: string; code: string; children?: Tree[] };

const tree: Tree = {
  name: '演示省',
  code: '990000000000',
  children: [
    {
      name: '北原市',
      code: '990100000000',
      children: [
        {
          name: '桑河县',
          code: '990121000000',
          children: [
            { name: '桑河镇', code: '990121001000', children: villages('990121001', ['前营村', '后营村', '河湾村', '杏园村']) },
            { name: '东岭乡', code: '990121002000', children: villages('990121002', ['东岭村', '石槽村', '马家庄村']) },
            { name: '白杨乡', code: '990121003000', children: villages('990121003', ['白杨村', '柿子沟村', '南窑村']) },
          ],
        },
        {
          name: '柳岗县',
          code: '990122000000',
          children: [
            { name: '柳岗镇', code: '990122001000', children: villages('990122001', ['柳岗村', '北街村', '王官屯村']) },
            { name: '芦苇营乡', code: '990122002000', children: villages('990122002', ['芦苇营村', '小刘庄村', '苇塘村']) },
            { name: '三道河乡', code: '990122003000', children: villages('990122003', ['三道河村', '河西村']) },
          ],
        },
        {
          name: '青禾县',
          code: '990123000000',
          children: [
            { name: '青禾镇', code: '990123001000', children: villages('990123001', ['青禾村', '李家堡村', '榆树湾村']) },
            { name: '麦田乡', code: '990123002000', children: villages('990123002', ['麦田村', '张官营村']) },
            { name: '古渡乡', code: '990123003000', children: villages('990123003', ['古渡村', '渡口村', '沙窝村']) },
          ],
        },
      ],
    },
    {
      name: '南塬市',
      code: '990200000000',
      children: [
        {
          name: '枣林县',
          code: '990221000000',
          children: [
            { name: '枣林镇', code: '990221001000', children: villages('990221001', ['枣林村', '上塬村']) },
            { name: '坡头乡', code: '990221002000', children: villages('990221002', ['坡头村', '西沟村']) },
          ],
        },
      ],
    },
  ],
};

function villages(townshipPrefix: string, names: string[]): Tree[] {
  return names.map((name, index) => ({ name, code: `${townshipPrefix}${String(200 + index + 1).padStart(3, '0')}` }));
}

const LEVELS: AreaLevel[] = ['province', 'city', 'county', 'township', 'village'];

function flatten(node: Tree, depth: number, parentCode: string | null, out: AreaSeed[]): AreaSeed[] {
  out.push({ code: node.code, level: LEVELS[depth]!, name: node.name, parentCode });
  for (const child of node.children ?? []) flatten(child, depth + 1, node.code, out);
  return out;
}

/** Parents before children, so the rows can be inserted in order. */
export const demoAreas: AreaSeed[] = flatten(tree, 0, null, []);
