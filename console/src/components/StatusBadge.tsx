import { Badge } from '@mantine/core';

const COLORS: Record<string, string> = {
  Ready: 'green',
  Running: 'green',
  Attaching: 'blue',
  Pending: 'blue',
  Creating: 'blue',
  Waiting: 'blue',
  Updating: 'blue',
  Starting: 'blue',
  NotReady: 'orange',
  Stopped: 'gray',
  Stopping: 'gray',
  Deleting: 'gray',
  CreateFailed: 'red',
  Failed: 'red',
};

/** A machine's or a service's status; cordoned machines (`Ready-SchedulingDisabled`) say so. */
export function StatusBadge({ status }: { status: string }) {
  const [health, cordon] = status.split('-');
  const color = COLORS[health ?? ''] ?? 'gray';
  return (
    <Badge
      color={color}
      variant={cordon ? 'outline' : 'light'}
      data-status={status}
      aria-label={`status ${status}`}
      style={{ overflow: 'visible', maxWidth: 'none', flexShrink: 0 }}
    >
      {cordon ? `${health} · cordoned` : status}
    </Badge>
  );
}
