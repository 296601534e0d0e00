import type { Rule } from '../../define.js';
import bak001 from './PHI-BAK-001.js';
import bak002 from './PHI-BAK-002.js';
import bak003 from './PHI-BAK-003.js';
import bak004 from './PHI-BAK-004.js';
import bak005 from './PHI-BAK-005.js';
import bak006 from './PHI-BAK-006.js';
import bak007 from './PHI-BAK-007.js';
import bak008 from './PHI-BAK-008.js';
import bak009 from './PHI-BAK-009.js';
import bak010 from './PHI-BAK-010.js';
import bak011 from './PHI-BAK-011.js';
import bak012 from './PHI-BAK-012.js';

export const BAK_RULES: Rule[] = [
  bak001,
  bak002,
  bak003,
  bak004,
  bak005,
  bak006,
  bak007,
  bak008,
  bak009,
  bak010,
  bak011,
  bak012,
];
