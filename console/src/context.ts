import { createContext, useContext } from 'react';
import type { SessionInfo } from './api.ts';

export interface ConsoleState {
  session: SessionInfo;
  /** The region picked in the header: EAS calls address it. */
  region: string;
}

export const ConsoleContext = createContext<ConsoleState | undefined>(undefined);

export function useConsole(): ConsoleState {
  const state = useContext(ConsoleContext);
  if (!state) throw new Error('useConsole outside the console shell');
  return state;
}
