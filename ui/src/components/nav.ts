import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ApiSession, Me } from '../lib/api';

export interface Nav {
  readonly path: string;
  readonly search: string;
  /** pushState (or replaceState) to `to` ("/path?query") and re-render. */
  navigate(to: string, replace?: boolean): void;
}

export interface AppContextValue {
  readonly nav: Nav;
  readonly session: ApiSession;
  readonly me: Me;
  readonly logout: () => void;
}

export const AppContext = createContext<AppContextValue | null>(null);

export function useApp(): AppContextValue {
  const v = useContext(AppContext);
  if (v === null) throw new Error('useApp outside <AppContext.Provider>');
  return v;
}
