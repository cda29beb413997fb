// Contrast (WCAG AA, 4.5:1 for text): Mantine's light-variant and outline badges and buttons write
// their text in shade 6 (about 2.5–3:1 on their pale backgrounds) and "dimmed" text is gray 6
// (3.3:1 on white). The console writes such text in a darkened shade 9 and dimmed text in gray 7 (about 8:1).
import {
  createTheme,
  darken,
  defaultVariantColorsResolver,
  parseThemeColor,
  type CSSVariablesResolver,
  type VariantColorsResolver,
} from '@mantine/core';

const variantColorResolver: VariantColorsResolver = (input) => {
  const colors = defaultVariantColorsResolver(input);
  if (!['light', 'outline', 'subtle', 'default'].includes(input.variant)) return colors;
  const parsed = parseThemeColor({ color: input.color ?? input.theme.primaryColor, theme: input.theme });
  if (!parsed.isThemeColor || input.variant === 'default') return colors;
  // Shade 9 darkened by a third: green and yellow are light even at shade 9.
  const text = darken(input.theme.colors[parsed.color]![9]!, 0.35);
  return { ...colors, color: text, hoverColor: text, ...(input.variant === 'outline' ? { border: `1px solid ${text}` } : {}) };
};

export const theme = createTheme({
  primaryColor: 'blue',
  primaryShade: 8,
  fontFamily: 'system-ui, sans-serif',
  variantColorResolver,
});

export const cssVariablesResolver: CSSVariablesResolver = (t) => ({
  variables: {},
  light: { '--mantine-color-dimmed': t.colors.gray[7]!, '--mantine-color-placeholder': t.colors.gray[7]! },
  dark: {},
});
