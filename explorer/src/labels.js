// Names shown to people: Chinese first, English where it helps.  One place for every label,
// enum value and colour, so that the tree, the network, the legend and the details agree.

/** Node labels of the data contract (GraphQL type names equal them). */
export const KINDS = {
  Street: { zh: '街道/镇', en: 'Street', color: '#37474f', shape: 'round-hexagon' },
  Community: { zh: '社区', en: 'Community', color: '#5c6bc0', shape: 'round-hexagon' },
  Grid: { zh: '网格', en: 'Grid', color: '#1e88e5', shape: 'round-rectangle' },
  Building: { zh: '楼栋/院落', en: 'Building', color: '#00897b', shape: 'round-rectangle' },
  Household: { zh: '户', en: 'Household', color: '#90a4ae', shape: 'ellipse' },
  PartyOrganization: { zh: '党组织', en: 'Party organization', color: '#c62828', shape: 'round-triangle' },
  PartyMember: { zh: '先锋党员', en: 'Vanguard member', color: '#f9a825', shape: 'star' },
  VanguardStation: { zh: '先锋驿站', en: 'Vanguard station', color: '#ef6c00', shape: 'round-diamond' },
  Alliance: { zh: '党建联盟', en: 'Alliance', color: '#6a1b9a', shape: 'round-octagon' },
  AllianceMember: { zh: '联盟成员单位', en: 'Alliance unit', color: '#ab47bc', shape: 'round-tag' },
  Worker: { zh: '工作人员', en: 'Grid worker / building head', color: '#0277bd', shape: 'ellipse' },
};

/** Linkage coverage of a household (docs/design.md "Analytics definitions"). */
export const COVERAGE = {
  active: { zh: '活跃覆盖', en: 'active (visited ≤31 d)', color: '#2e7d32' },
  covered: { zh: '已联系', en: 'covered (linked)', color: '#f2b705' },
  uncovered: { zh: '未覆盖', en: 'uncovered', color: '#e0e0e0' },
};

export const REACH_COLOR = '#d500f9';

/** The monthly work (issue 15): secretary projects and the activities' relationships. */
export const WORK = {
  SecretaryProject: { zh: '书记项目', en: 'Secretary project', color: '#00695c', shape: 'round-tag' },
  Activity: { zh: '活动/会议', en: 'Activity', color: '#558b2f', shape: 'ellipse' },
};

/** The relationships of the monthly work, as the legend and the details name them. */
export const WORK_RELATIONS = {
  HELD_BY: { zh: '主办', en: 'held by (an organization, alliance or, for 月联, the vanguard)' },
  HELD_IN: { zh: '地点', en: 'held in (an area); a project lies within it' },
  ATTENDED: { zh: '参加', en: 'attended' },
  SERVED: { zh: '服务对象', en: 'served (households)' },
  ADVANCES: { zh: '推进项目', en: 'advances (a secretary project)' },
  LED_BY: { zh: '牵头党组织', en: 'led by (an organization)' },
  LEADS: { zh: '领办', en: 'leads (a member, a project)' },
  EARNED: { zh: '积分', en: 'earned points' },
  REPORTED_TO: { zh: '报到', en: 'reported to (an in-service member\'s home community)' },
};

export const ORG_LEVELS = {
  STREET_COMMITTEE: { zh: '街道党(工)委', en: 'street committee', color: '#8e0000' },
  COMMUNITY_COMMITTEE: { zh: '社区党委', en: 'community committee', color: '#c62828' },
  GRID_BRANCH: { zh: '网格党支部', en: 'grid branch', color: '#e53935' },
  BUILDING_GROUP: { zh: '楼栋党小组', en: 'building group', color: '#ef5350' },
  UNIT_BRANCH: { zh: '单位党支部', en: 'unit branch', color: '#8d6e63' },
  GRID_GROUP: { zh: '网格党小组', en: 'grid group', color: '#f48fb1' },
};

/** Community-level areas: an urban community (社区) or a village (村); a community without a kind is urban. */
export const COMMUNITY_KINDS = {
  COMMUNITY: { zh: '社区', en: 'community', color: KINDS.Community.color },
  VILLAGE: { zh: '村', en: 'village', color: '#7cb342' },
};

export const STARS = {
  DEMONSTRATION: { zh: '示范', en: 'demonstration', mark: '★★★' },
  EXCELLENT: { zh: '优秀', en: 'excellent', mark: '★★' },
  QUALIFIED: { zh: '合格', en: 'qualified', mark: '★' },
  UNQUALIFIED: { zh: '不合格', en: 'unqualified', mark: '☆' },
};

const ENUMS = {
  ...Object.fromEntries(Object.entries(ORG_LEVELS).map(([k, v]) => [k, v.zh])),
  ...Object.fromEntries(Object.entries(STARS).map(([k, v]) => [k, v.zh])),
  GOVERNMENT_SERVICE: '政务服务', LAW_ENFORCEMENT: '综合执法', SOCIAL_ASSISTANCE: '社会救助',
  LIFE_SERVICE: '生活服务', PUBLIC_SAFETY: '公共安全',
  BUILDING: '楼栋', COURTYARD: '院落', COMMUNITY: '社区', VILLAGE: '村',
  FLOATING: '流动', ELDERLY_ALONE: '独居老人', KEY_GROUP: '重点人群', LOW_INCOME: '低收入', DISABILITY: '残疾',
  RESIDENT: '居民党员', IN_SERVICE: '在职党员', RETIRED: '离退休', F: '女', M: '男',
  ENTERPRISE: '企业', FINANCIAL_INSTITUTION: '金融机构', CHAMBER_OR_ASSOCIATION: '商会/协会',
  SOCIAL_ORGANIZATION: '社会组织', PROPERTY_COMPANY: '物业公司', GOVERNMENT_UNIT: '机关单位',
  FUNDING: '资金', VOLUNTEERS: '志愿者', VENUE: '场地', LEGAL_AID: '法律援助', EMPLOYMENT: '就业',
  ELDERLY_CARE: '养老', HEALTH: '健康', EDUCATION: '教育', PROPERTY_SERVICE: '物业服务',
  ROUNDTABLE: '圆桌会议', MONTHLY_CONTACT: '月联', BRANCH_MEETING: '三会一课', VOLUNTEER_SERVICE: '志愿服务',
  ALLIANCE_ACTIVITY: '联盟活动', SECRETARY_PROJECT_EVENT: '书记项目活动',
  ESTATE_MANAGEMENT: '物业管理', SAFETY: '平安建设', ENVIRONMENT: '环境整治', OLD_ESTATE_RENOVATION: '老旧小区改造',
  PARKING: '停车治理', CIVILITY: '文明创建', LEGAL_AWARENESS: '普法宣传', DISPUTE_MEDIATION: '矛盾调解',
  PROPOSED: '组织发起', LED: '党员领办', IN_PROGRESS: '群众参与', REVIEWED: '居民评议',
};

/** "中文 (ENUM)" for an enum value; the value itself when unknown. */
export function enumText(value) {
  if (value == null) return '';
  const zh = ENUMS[value];
  return zh ? `${zh} (${value})` : String(value);
}

export function kindText(kind) {
  const k = KINDS[kind];
  return k ? `${k.zh} ${k.en}` : kind;
}

/** Details-panel field names. */
export const FIELDS = {
  localId: '编号 ID', name: '名称 Name', code: '区划代码 Code', kinds: '网格类型 Kinds',
  targetHouseholds: '目标户数 Target households', kind: '类型 Kind', address: '地址 Address',
  size: '人口 Size', tags: '标签 Tags', headName: '户主 Head', phone: '电话 Phone',
  headIdNumber: '户主身份证 ID no.', idNumber: '身份证 ID no.', level: '层级 Level', star: '星级 Star',
  vanguard: '先锋党员 Vanguard', gender: '性别 Gender', birthYear: '出生年份 Born', theme: '主题 Theme',
  creditCode: '信用代码 Credit code', resources: '资源 Resources',
  title: '主题 Title', category: '类别 Category', stage: '阶段 Stage', proposedOn: '发起日期 Proposed',
  ledOn: '领办日期 Led', startedOn: '实施日期 Started', reviewedOn: '评议日期 Reviewed',
  reviewScore: '居民评议得分 Review score', external: '外单位党组织 External branch',
};
