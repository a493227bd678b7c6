import { type ThemeChoice, useTheme } from './theme';

/** System, light or dark: in the list pages' header and the canvas toolbar. */
export function ThemeSwitch() {
  const { choice, choose } = useTheme();
  return (
    <select className="theme-switch" aria-label="Theme" value={choice} onChange={(e) => choose(e.target.value as ThemeChoice)}>
      <option value="system">System theme</option>
      <option value="light">Light</option>
      <option value="dark">Dark</option>
    </select>
  );
}
