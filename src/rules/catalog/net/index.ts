import type { Rule } from '../../define.js';

export const NET_RULES: Rule[] = [];
