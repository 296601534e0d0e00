import type { Rule } from '../../define.js';
import kv001 from './PHI-KV-001.js';
import kv002 from './PHI-KV-002.js';
import kv003 from './PHI-KV-003.js';
import kv004 from './PHI-KV-004.js';

export const KV_RULES: Rule[] = [kv001, kv002, kv003, kv004];
