/** The bench's sections, run in this order. Add new sections here. */
import type { Section } from './types';
import { enginesSection } from './engines';
import { panelSection } from './panel';
import { programsSection } from './programs';
import runLayout, { title as layoutTitle } from './layout';

/** The graph view's pure part (folding, layout, repaint numbers); prints its own PASS/MISS table. */
const layoutSection: Section = {
  id: 'layout',
  title: layoutTitle,
  async run(ctx) {
    ctx.log(runLayout());
    return { checks: [], verified: true };
  },
};

export const SECTIONS: readonly Section[] = [enginesSection, panelSection, layoutSection, programsSection];
