import type { Rule } from '../../define.js';
import tls001 from './PHI-TLS-001.js';
import tls002 from './PHI-TLS-002.js';
import tls003 from './PHI-TLS-003.js';
import tls004 from './PHI-TLS-004.js';
import tls005 from './PHI-TLS-005.js';
import tls006 from './PHI-TLS-006.js';
import tls007 from './PHI-TLS-007.js';
import tls008 from './PHI-TLS-008.js';
import tls009 from './PHI-TLS-009.js';
import tls010 from './PHI-TLS-010.js';
import tls011 from './PHI-TLS-011.js';

export const TLS_RULES: Rule[] = [
  tls001,
  tls002,
  tls003,
  tls004,
  tls005,
  tls006,
  tls007,
  tls008,
  tls009,
  tls010,
  tls011,
];
