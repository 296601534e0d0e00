import type { Rule } from '../../define.js';

export const BAK_RULES: Rule[] = [];
