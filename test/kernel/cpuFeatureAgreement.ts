// Comparing what /proc/cpuinfo said with the kernel's own capability words, bit by bit.
import { featureState, type CpuFeatureSet } from '../../src/kernel/index.js';

export interface Agreement {
  /** Bits cpuinfo speaks for (named ones), and those where it says otherwise than the words. */
  shown: number;
  disagree: string[];
  /** Bits cpuinfo cannot speak for that the words have set (what a rule set must supply). */
  hiddenSet: string[];
}

export function compareWithCpuinfo(cpuinfo: CpuFeatureSet, words: CpuFeatureSet): Agreement {
  const t = cpuinfo.table;
  const out: Agreement = { shown: 0, disagree: [], hiddenSet: [] };
  for (let bit = 0; bit < t.bits; bit++) {
    const said = featureState(cpuinfo, bit);
    const has = featureState(words, bit);
    if (said === 'unknown') {
      if (has === 'set') out.hiddenSet.push(t.label(bit));
    } else {
      out.shown++;
      if (said !== has) out.disagree.push(`${t.label(bit)}: cpuinfo ${said}, words ${has}`);
    }
  }
  return out;
}
