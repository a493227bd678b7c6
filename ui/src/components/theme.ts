import { create } from 'zustand';

/** What the user chose; `system` follows the operating system's `prefers-color-scheme`. */
export type ThemeChoice = 'system' | 'light' | 'dark';
export type Theme = 'light' | 'dark';

const STORAGE_KEY = 'aimicromind:theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';

function storedChoice(): ThemeChoice {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === 'light' || value === 'dark' ? value : 'system';
  } catch {
    return 'system';
  }
}

const systemTheme = (): Theme => (window.matchMedia?.(DARK_QUERY).matches ? 'dark' : 'light');
const resolve = (choice: ThemeChoice): Theme => (choice === 'system' ? systemTheme() : choice);

/** Sets `<html data-theme>`, which switches the palette of app.css. */
function apply(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
}

/**
 * The colour theme: the choice is kept in localStorage (per browser), the palette applied to <html>
 * before the first render (no flash of the wrong theme), and followed live when the system's changes.
 */
export const useTheme = create<{ choice: ThemeChoice; theme: Theme; choose: (choice: ThemeChoice) => void }>((set) => {
  const choice = storedChoice();
  const theme = resolve(choice);
  apply(theme);
  window.matchMedia?.(DARK_QUERY).addEventListener('change', () =>
    set((state) => {
      if (state.choice !== 'system') return state;
      const next = systemTheme();
      apply(next);
      return { theme: next };
    }),
  );
  return {
    choice,
    theme,
    choose(next) {
      try {
        if (next === 'system') localStorage.removeItem(STORAGE_KEY);
        else localStorage.setItem(STORAGE_KEY, next);
      } catch {
        // storage unavailable (private mode): the choice lasts for this page only
      }
      const resolved = resolve(next);
      apply(resolved);
      set({ choice: next, theme: resolved });
    },
  };
});
