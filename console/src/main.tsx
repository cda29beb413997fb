import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { MantineProvider, createTheme } from '@mantine/core';
import '@mantine/core/styles.css';
import { App } from './App.tsx';

// Darker primary shades than the default keep white-on-blue text above 4.5:1 contrast (WCAG AA).
const theme = createTheme({ primaryColor: 'blue', primaryShade: 8, fontFamily: 'system-ui, sans-serif' });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="light">
      <App />
    </MantineProvider>
  </StrictMode>,
);
