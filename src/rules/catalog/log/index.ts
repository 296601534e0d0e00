import type { Rule } from '../../define.js';

export const LOG_RULES: Rule[] = [];
