// The console: sign-in, then a shell (region picker, identity, sign-out, navigation) around the pages.
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import {
  Alert,
  AppShell,
  Badge,
  Button,
  Center,
  Divider,
  Group,
  Loader,
  NavLink,
  PasswordInput,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
  Paper,
} from '@mantine/core';
import { getSession, setSignedOutHandler, signIn, signOut, type SessionInfo } from './api.ts';
import { linkProps, usePath } from './router.ts';
import { ErrorAlert } from './components/ErrorAlert.tsx';
import { ConsoleContext } from './context.ts';

const GroupsPage = lazy(() => import('./pages/Groups.tsx').then((m) => ({ default: m.GroupsPage })));
const GroupPage = lazy(() => import('./pages/Group.tsx').then((m) => ({ default: m.GroupPage })));
const ServicesPage = lazy(() => import('./pages/Services.tsx'));
const BillingPage = lazy(() => import('./pages/Billing.tsx'));
const RamPage = lazy(() => import('./pages/Ram.tsx'));
const ActivityPage = lazy(() => import('./pages/Activity.tsx'));
const DevPage = lazy(() => import('./pages/Dev.tsx'));
const ExplorerPage = lazy(() => import('./explorer/ExplorerPage.tsx'));

export function App() {
  const [session, setSession] = useState<SessionInfo>();
  const [error, setError] = useState<unknown>();
  const refresh = useCallback(() => {
    getSession().then(setSession, setError);
  }, []);
  useEffect(() => {
    refresh();
    setSignedOutHandler(refresh);
  }, [refresh]);
  if (error) return <ErrorAlert error={error} title="The console cannot reach its server" />;
  if (!session) {
    return (
      <Center h="100vh">
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  if (!session.SignedIn) return <SignIn session={session} onSignedIn={setSession} />;
  return <Shell session={session} onSignedOut={refresh} />;
}

function SignIn({ session, onSignedIn }: { session: SessionInfo; onSignedIn: (s: SessionInfo) => void }) {
  const [id, setId] = useState('');
  const [secret, setSecret] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = async (request: Parameters<typeof signIn>[0]) => {
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await signIn(request));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Center mih="100vh" p="md">
      <Paper withBorder p="xl" w={440} component="main">
        <Stack>
          <Title order={1} size="h2">
            openeas console
          </Title>
          <Text size="sm" c="dimmed">
            Version {session.Version}. Every action here is a signed API call made by the server for you: RAM policies, the audit trail and
            error codes apply as for SDK calls. Your secret stays on the server.
          </Text>
          {session.LocalRootAvailable && (
            <>
              <Button onClick={() => run({ Mode: 'LocalRoot' })} loading={busy} data-testid="sign-in-local-root">
                Sign in as the local root account
              </Button>
              <Divider label="or with an AccessKey" labelPosition="center" />
            </>
          )}
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void run({ AccessKeyId: id.trim(), AccessKeySecret: secret });
            }}
          >
            <Stack>
              <TextInput label="AccessKey ID" value={id} onChange={(e) => setId(e.currentTarget.value)} required autoComplete="username" />
              <PasswordInput
                label="AccessKey secret"
                value={secret}
                onChange={(e) => setSecret(e.currentTarget.value)}
                required
                autoComplete="current-password"
              />
              <Button type="submit" variant="light" loading={busy}>
                Sign in
              </Button>
            </Stack>
          </form>
          <ErrorAlert error={error} title="Sign-in refused" />
        </Stack>
      </Paper>
    </Center>
  );
}

const NAV: Array<[string, string]> = [
  ['/console/', 'Resource groups'],
  ['/console/services', 'Services'],
  ['/console/billing', 'Billing'],
  ['/console/ram', 'RAM'],
  ['/console/activity', 'Activity'],
  ['/console/explorer', 'API Explorer'],
];

function Shell({ session, onSignedOut }: { session: SessionInfo; onSignedOut: () => void }) {
  const path = usePath();
  const [region, setRegionState] = useState(() => localStorage.getItem('openeas.region') ?? session.DefaultRegion);
  const setRegion = (r: string) => {
    localStorage.setItem('openeas.region', r);
    setRegionState(r);
  };
  const active = (to: string) => (to === '/console/' ? path === '/console/' || path.startsWith('/console/groups') : path.startsWith(to));
  return (
    <ConsoleContext.Provider value={{ session, region }}>
      <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 'sm' }} padding="md">
        <AppShell.Header>
          <Group h="100%" px="md" justify="space-between">
            <Group>
              <Title order={1} size="h4">
                openeas
              </Title>
              <Select
                aria-label="Region"
                data-testid="region-picker"
                data={session.Regions}
                value={region}
                onChange={(r) => r && setRegion(r)}
                allowDeselect={false}
                searchable
                w={200}
              />
            </Group>
            <Group>
              <Text size="sm" data-testid="identity">
                {session.Identity?.Arn}
              </Text>
              {session.LocalRoot && <Badge variant="outline">local root</Badge>}
              <Button
                variant="default"
                size="xs"
                onClick={async () => {
                  await signOut();
                  onSignedOut();
                }}
              >
                Sign out
              </Button>
            </Group>
          </Group>
        </AppShell.Header>
        <AppShell.Navbar p="xs" component="nav" aria-label="Console sections">
          {NAV.map(([to, label]) => (
            <NavLink key={to} label={label} active={active(to)} {...linkProps(to)} />
          ))}
          {session.DevControls && (
            <>
              <Divider my="sm" label="Local development" labelPosition="left" />
              <NavLink label="Development controls" color="orange" active={active('/console/dev')} {...linkProps('/console/dev')} />
            </>
          )}
        </AppShell.Navbar>
        <AppShell.Main>
          <Suspense fallback={<Loader aria-label="Loading" />}>
            <Page path={path} />
          </Suspense>
        </AppShell.Main>
      </AppShell>
    </ConsoleContext.Provider>
  );
}

function Page({ path }: { path: string }) {
  const group = /^\/console\/groups\/([a-z0-9-]+)\/([a-z0-9-]+)$/.exec(path);
  if (group) return <GroupPage region={group[1]!} resourceId={group[2]!} />;
  if (path === '/console/' || path === '/console') return <GroupsPage />;
  if (path.startsWith('/console/services')) return <ServicesPage />;
  if (path.startsWith('/console/billing')) return <BillingPage />;
  if (path.startsWith('/console/ram')) return <RamPage />;
  if (path.startsWith('/console/activity')) return <ActivityPage />;
  if (path.startsWith('/console/explorer')) return <ExplorerPage />;
  if (path.startsWith('/console/dev')) return <DevPage />;
  return <Alert title="Not found">There is no console page at {path}.</Alert>;
}
