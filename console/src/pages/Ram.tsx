// RAM: users (with AccessKeys and attached policies), groups, roles, policies with a JSON editor that
// the server's own policy validator checks as you type, and the policy simulator (an admin-plane
// call, offered to the local root on loopback).
import { useEffect, useState } from 'react';
import { Badge, Button, Code, Group, JsonInput, Modal, Select, Stack, Table, Tabs, Text, TextInput, Title } from '@mantine/core';
import { admin, call, validatePolicy } from '../api.ts';
import { useConsole } from '../context.ts';
import { useLoad } from '../components/hooks.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';

interface User {
  UserName: string;
  UserId: string;
  DisplayName?: string;
  CreateDate: string;
}
interface RamGroup {
  GroupName: string;
  Comments?: string;
  CreateDate: string;
}
interface Role {
  RoleName: string;
  Arn: string;
  Description?: string;
}
interface Policy {
  PolicyName: string;
  PolicyType: string;
  Description?: string;
  DefaultVersion?: string;
  AttachmentCount?: number;
}

const EXAMPLE_POLICY = JSON.stringify(
  { Version: '1', Statement: [{ Effect: 'Allow', Action: ['eas:ListResources', 'eas:DescribeResource'], Resource: '*' }] },
  null,
  2,
);

export default function RamPage() {
  const { session } = useConsole();
  return (
    <Stack>
      <Title order={2}>RAM</Title>
      <Tabs defaultValue="users" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="users">Users</Tabs.Tab>
          <Tabs.Tab value="groups">Groups</Tabs.Tab>
          <Tabs.Tab value="roles">Roles</Tabs.Tab>
          <Tabs.Tab value="policies">Policies</Tabs.Tab>
          {session.DevControls && <Tabs.Tab value="simulator">Policy simulator</Tabs.Tab>}
        </Tabs.List>
        <Tabs.Panel value="users" pt="sm">
          <Users />
        </Tabs.Panel>
        <Tabs.Panel value="groups" pt="sm">
          <Groups />
        </Tabs.Panel>
        <Tabs.Panel value="roles" pt="sm">
          <Roles />
        </Tabs.Panel>
        <Tabs.Panel value="policies" pt="sm">
          <Policies />
        </Tabs.Panel>
        <Tabs.Panel value="simulator" pt="sm">
          <Simulator />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

function useAction() {
  const [error, setError] = useState<unknown>();
  const [note, setNote] = useState('');
  const run = async (fn: () => Promise<unknown>, done = '') => {
    setError(undefined);
    setNote('');
    try {
      await fn();
      setNote(done);
      return true;
    } catch (e) {
      setError(e);
      return false;
    }
  };
  return { error, note, run };
}

/** Deletes one RAM entity, then reloads its list; a refusal shows in the section's error. */
function DeleteButton(props: {
  run: ReturnType<typeof useAction>['run'];
  action: string;
  params: Record<string, string>;
  onDeleted: () => void;
}) {
  const { run, action, params, onDeleted } = props;
  return (
    <Button
      size="compact-xs"
      color="red"
      variant="light"
      onClick={() => run(() => call({ Product: 'ram', Action: action, Params: params })).then((ok) => ok && onDeleted())}
    >
      Delete
    </Button>
  );
}

function Users() {
  const users = useLoad(() => call<{ Users: { User: User[] } }>({ Product: 'ram', Action: 'ListUsers', Params: { MaxItems: 1000 } }), []);
  const [name, setName] = useState('');
  const [selected, setSelected] = useState<string>();
  const [secret, setSecret] = useState<{ id: string; secret: string }>();
  const { error, note, run } = useAction();
  return (
    <Stack>
      <Group align="flex-end">
        <TextInput label="New user name" value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <Button
          onClick={() =>
            run(() => call({ Product: 'ram', Action: 'CreateUser', Params: { UserName: name } }), `User ${name} created`).then(() =>
              users.reload(),
            )
          }
        >
          Create user
        </Button>
      </Group>
      <ErrorAlert error={users.error ?? error} />
      {note && <Text role="status">{note}</Text>}
      {secret && (
        <Modal opened onClose={() => setSecret(undefined)} title="New AccessKey">
          <Stack>
            <Text size="sm">The secret is shown this once. Keep it in a secret store, never in code.</Text>
            <Text size="sm">
              AccessKey ID: <Code>{secret.id}</Code>
            </Text>
            <Text size="sm">
              Secret: <Code data-testid="new-secret">{secret.secret}</Code>
            </Text>
          </Stack>
        </Modal>
      )}
      <Table striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>User</Table.Th>
            <Table.Th>ID</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th>Actions</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {users.data?.Users.User.map((u) => (
            <Table.Tr key={u.UserId}>
              <Table.Td>{u.UserName}</Table.Td>
              <Table.Td>{u.UserId}</Table.Td>
              <Table.Td>{new Date(u.CreateDate).toLocaleString()}</Table.Td>
              <Table.Td>
                <Group gap={4}>
                  <Button size="compact-xs" variant="default" onClick={() => setSelected(u.UserName)}>
                    Policies
                  </Button>
                  <Button
                    size="compact-xs"
                    variant="default"
                    onClick={() =>
                      run(async () => {
                        const b = await call<{ AccessKey: { AccessKeyId: string; AccessKeySecret: string } }>({
                          Product: 'ram',
                          Action: 'CreateAccessKey',
                          Params: { UserName: u.UserName },
                        });
                        setSecret({ id: b.AccessKey.AccessKeyId, secret: b.AccessKey.AccessKeySecret });
                      })
                    }
                  >
                    New AccessKey
                  </Button>
                  <DeleteButton run={run} action="DeleteUser" params={{ UserName: u.UserName }} onDeleted={users.reload} />
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {selected && <AttachedPolicies kind="User" name={selected} onClose={() => setSelected(undefined)} />}
    </Stack>
  );
}

/** The policies attached to a user, group or role; attach and detach. */
function AttachedPolicies({ kind, name, onClose }: { kind: 'User' | 'Group' | 'Role'; name: string; onClose: () => void }) {
  const param = `${kind}Name`;
  const attached = useLoad(
    () => call<{ Policies: { Policy: Policy[] } }>({ Product: 'ram', Action: `ListPoliciesFor${kind}`, Params: { [param]: name } }),
    [kind, name],
  );
  const all = useLoad(
    () => call<{ Policies: { Policy: Policy[] } }>({ Product: 'ram', Action: 'ListPolicies', Params: { MaxItems: 1000 } }),
    [],
  );
  const [pick, setPick] = useState<string | null>(null);
  const { error, run } = useAction();
  const policyType = (n: string) => all.data?.Policies.Policy.find((p) => p.PolicyName === n)?.PolicyType ?? 'Custom';
  return (
    <Modal opened onClose={onClose} title={`Policies of ${kind.toLowerCase()} ${name}`} size="lg">
      <Stack>
        <ErrorAlert error={attached.error ?? error} />
        {attached.data?.Policies.Policy.map((p) => (
          <Group key={p.PolicyName} justify="space-between">
            <Text size="sm">
              {p.PolicyName} <Badge variant="light">{p.PolicyType}</Badge>
            </Text>
            <Button
              size="compact-xs"
              variant="default"
              onClick={() =>
                run(() =>
                  call({
                    Product: 'ram',
                    Action: `DetachPolicyFrom${kind}`,
                    Params: { PolicyName: p.PolicyName, PolicyType: p.PolicyType, [param]: name },
                  }),
                ).then(() => attached.reload())
              }
            >
              Detach
            </Button>
          </Group>
        ))}
        <Group align="flex-end">
          <Select
            label="Attach a policy"
            searchable
            data={all.data?.Policies.Policy.map((p) => p.PolicyName) ?? []}
            value={pick}
            onChange={setPick}
          />
          <Button
            disabled={!pick}
            onClick={() =>
              run(() =>
                call({
                  Product: 'ram',
                  Action: `AttachPolicyTo${kind}`,
                  Params: { PolicyName: pick, PolicyType: policyType(pick!), [param]: name },
                }),
              ).then(() => attached.reload())
            }
          >
            Attach
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function Groups() {
  const groups = useLoad(
    () => call<{ Groups: { Group: RamGroup[] } }>({ Product: 'ram', Action: 'ListGroups', Params: { MaxItems: 1000 } }),
    [],
  );
  const [name, setName] = useState('');
  const [member, setMember] = useState('');
  const [selected, setSelected] = useState<string>();
  const { error, note, run } = useAction();
  return (
    <Stack>
      <Group align="flex-end">
        <TextInput label="New group name" value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <Button
          onClick={() =>
            run(() => call({ Product: 'ram', Action: 'CreateGroup', Params: { GroupName: name } }), `Group ${name} created`).then(() =>
              groups.reload(),
            )
          }
        >
          Create group
        </Button>
      </Group>
      <ErrorAlert error={groups.error ?? error} />
      {note && <Text role="status">{note}</Text>}
      <Table striped>
        <Table.Tbody>
          {groups.data?.Groups.Group.map((g) => (
            <Table.Tr key={g.GroupName}>
              <Table.Td>{g.GroupName}</Table.Td>
              <Table.Td>{g.Comments}</Table.Td>
              <Table.Td>
                <Group gap={4}>
                  <TextInput
                    aria-label={`User to add to ${g.GroupName}`}
                    placeholder="user name"
                    size="xs"
                    value={member}
                    onChange={(e) => setMember(e.currentTarget.value)}
                  />
                  <Button
                    size="compact-xs"
                    variant="default"
                    onClick={() =>
                      run(
                        () => call({ Product: 'ram', Action: 'AddUserToGroup', Params: { GroupName: g.GroupName, UserName: member } }),
                        `${member} added`,
                      )
                    }
                  >
                    Add user
                  </Button>
                  <Button size="compact-xs" variant="default" onClick={() => setSelected(g.GroupName)}>
                    Policies
                  </Button>
                  <DeleteButton run={run} action="DeleteGroup" params={{ GroupName: g.GroupName }} onDeleted={groups.reload} />
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {selected && <AttachedPolicies kind="Group" name={selected} onClose={() => setSelected(undefined)} />}
    </Stack>
  );
}

function Roles() {
  const { session } = useConsole();
  const roles = useLoad(() => call<{ Roles: { Role: Role[] } }>({ Product: 'ram', Action: 'ListRoles', Params: { MaxItems: 1000 } }), []);
  const [name, setName] = useState('');
  const [trust, setTrust] = useState(
    JSON.stringify(
      {
        Version: '1',
        Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: [`acs:ram::${session.Identity?.AccountId}:root`] } }],
      },
      null,
      2,
    ),
  );
  const [selected, setSelected] = useState<string>();
  const { error, note, run } = useAction();
  return (
    <Stack>
      <Group align="flex-end">
        <TextInput label="New role name" value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <Button
          onClick={() =>
            run(
              () => call({ Product: 'ram', Action: 'CreateRole', Params: { RoleName: name, AssumeRolePolicyDocument: trust } }),
              `Role ${name} created`,
            ).then(() => roles.reload())
          }
        >
          Create role
        </Button>
      </Group>
      <JsonInput label="Trust policy of the new role" value={trust} onChange={setTrust} autosize minRows={6} validationError="Not JSON" />
      <ErrorAlert error={roles.error ?? error} />
      {note && <Text role="status">{note}</Text>}
      <Table striped>
        <Table.Tbody>
          {roles.data?.Roles.Role.map((r) => (
            <Table.Tr key={r.RoleName}>
              <Table.Td>{r.RoleName}</Table.Td>
              <Table.Td>
                <Code>{r.Arn}</Code>
              </Table.Td>
              <Table.Td>
                <Group gap={4}>
                  <Button size="compact-xs" variant="default" onClick={() => setSelected(r.RoleName)}>
                    Policies
                  </Button>
                  <DeleteButton run={run} action="DeleteRole" params={{ RoleName: r.RoleName }} onDeleted={roles.reload} />
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {selected && <AttachedPolicies kind="Role" name={selected} onClose={() => setSelected(undefined)} />}
    </Stack>
  );
}

/** The server's verdict on a policy document, asked for a moment after the last keystroke. */
function usePolicyCheck(text: string): string | undefined {
  const [problem, setProblem] = useState<string>();
  useEffect(() => {
    const timer = setTimeout(() => {
      validatePolicy(text).then(
        (v) => setProblem(v.Valid ? undefined : `${v.Code}: ${v.Message}`),
        () => setProblem(undefined),
      );
    }, 250);
    return () => clearTimeout(timer);
  }, [text]);
  return problem;
}

function Policies() {
  const [type, setType] = useState('Custom');
  const policies = useLoad(
    () =>
      call<{ Policies: { Policy: Policy[] } }>({ Product: 'ram', Action: 'ListPolicies', Params: { PolicyType: type, MaxItems: 1000 } }),
    [type],
  );
  const [name, setName] = useState('');
  const [doc, setDoc] = useState(EXAMPLE_POLICY);
  const problem = usePolicyCheck(doc);
  const [shown, setShown] = useState<{ name: string; doc: string }>();
  const { error, note, run } = useAction();
  return (
    <Stack>
      <Select
        label="Policy type"
        data={['Custom', 'System']}
        value={type}
        onChange={(v) => setType(v ?? 'Custom')}
        allowDeselect={false}
        w={200}
      />
      <ErrorAlert error={policies.error ?? error} />
      {note && <Text role="status">{note}</Text>}
      <Table striped>
        <Table.Tbody>
          {policies.data?.Policies.Policy.map((p) => (
            <Table.Tr key={p.PolicyName}>
              <Table.Td>{p.PolicyName}</Table.Td>
              <Table.Td>{p.Description}</Table.Td>
              <Table.Td>{p.AttachmentCount ?? ''}</Table.Td>
              <Table.Td>
                <Group gap={4}>
                  <Button
                    size="compact-xs"
                    variant="default"
                    onClick={() =>
                      run(async () => {
                        const b = await call<{ DefaultPolicyVersion: { PolicyDocument: string } }>({
                          Product: 'ram',
                          Action: 'GetPolicy',
                          Params: { PolicyName: p.PolicyName, PolicyType: p.PolicyType },
                        });
                        setShown({ name: p.PolicyName, doc: b.DefaultPolicyVersion.PolicyDocument });
                      })
                    }
                  >
                    View
                  </Button>
                  {p.PolicyType === 'Custom' && (
                    <DeleteButton run={run} action="DeletePolicy" params={{ PolicyName: p.PolicyName }} onDeleted={policies.reload} />
                  )}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Title order={3}>New custom policy</Title>
      <TextInput label="Policy name" value={name} onChange={(e) => setName(e.currentTarget.value)} />
      <JsonInput
        label="Policy document"
        description="Checked as you type by the server's own validator (the one CreatePolicy runs)."
        value={doc}
        onChange={setDoc}
        autosize
        minRows={8}
        error={problem}
        data-testid="policy-json"
      />
      <Group>
        <Button
          disabled={!!problem || !name}
          onClick={() =>
            run(
              () => call({ Product: 'ram', Action: 'CreatePolicy', Params: { PolicyName: name, PolicyDocument: doc } }),
              `Policy ${name} created`,
            ).then(() => policies.reload())
          }
        >
          Create policy
        </Button>
      </Group>
      {shown && (
        <Modal opened onClose={() => setShown(undefined)} title={shown.name} size="lg">
          <Code block>{formatJson(shown.doc)}</Code>
        </Modal>
      )}
    </Stack>
  );
}

function formatJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function Simulator() {
  const { session, region } = useConsole();
  const account = session.Identity?.AccountId ?? '';
  const [principal, setPrincipal] = useState(`acs:ram::${account}:user/`);
  const [action, setAction] = useState('eas:DescribeResource');
  const [resource, setResource] = useState(`acs:eas:${region}:${account}:resource/*`);
  const [answer, setAnswer] = useState<Record<string, unknown>>();
  const { error, run } = useAction();
  return (
    <Stack>
      <Text size="sm">Would this principal be allowed this action on this resource? (the admin plane's simulator)</Text>
      <TextInput label="Principal ARN" value={principal} onChange={(e) => setPrincipal(e.currentTarget.value)} />
      <TextInput label="Action" value={action} onChange={(e) => setAction(e.currentTarget.value)} />
      <TextInput label="Resource ARN" value={resource} onChange={(e) => setResource(e.currentTarget.value)} />
      <Button
        onClick={() =>
          run(async () => setAnswer(await admin('POST', '/ram/simulate', { Principal: principal, Action: action, Resource: resource })))
        }
        w={160}
      >
        Simulate
      </Button>
      <ErrorAlert error={error} />
      {answer && (
        <Stack gap="xs" data-testid="simulation">
          <Badge size="lg" color={answer.Decision === 'Allow' ? 'green' : 'red'}>
            {String(answer.Decision)}
          </Badge>
          <Code block>{JSON.stringify(answer, null, 2)}</Code>
        </Stack>
      )}
    </Stack>
  );
}
