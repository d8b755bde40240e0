/** The bench's sections, run in this order. Add new sections here. */
import type { Section } from './types';
import { enginesSection } from './engines';
import { panelSection } from './panel';

export const SECTIONS: readonly Section[] = [enginesSection, panelSection];
