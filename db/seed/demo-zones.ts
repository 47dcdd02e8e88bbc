/** Demo collaboration zones of 桑河县 (invented people). */
export const demoZones = [
  { countyCode: '990121000000', name: '第一片区', townshipCodes: ['990121001000', '990121002000'], head: '刘振华', deputies: ['陈晓梅'], liaison: '王磊' },
  { countyCode: '990121000000', name: '第二片区', townshipCodes: ['990121003000'], head: '赵国强', deputies: ['孙丽', '周文斌'], liaison: '李娜' },
];
