// The operations the server implements, searchable and filtered by product.
import { NavLink, ScrollArea, Select, Stack, Text, TextInput } from '@mantine/core';
import { useMemo, useState } from 'react';
import type { CatalogSummary } from './catalog-types.ts';

const PRODUCTS = [
  { value: 'all', label: 'All' },
  { value: 'eas', label: 'EAS' },
  { value: 'ram', label: 'RAM' },
  { value: 'sts', label: 'STS' },
  { value: 'bss', label: 'BSS' },
  { value: 'actiontrail', label: 'ActionTrail' },
];

export function OperationList(props: {
  operations: CatalogSummary[];
  selected?: { product: string; action: string };
  onSelect: (op: CatalogSummary) => void;
}) {
  const [product, setProduct] = useState('all');
  const [search, setSearch] = useState('');
  const shown = useMemo(() => {
    const words = search.trim().toLowerCase();
    return props.operations.filter(
      (op) =>
        (product === 'all' || op.product === product) &&
        (words === '' || op.action.toLowerCase().includes(words) || (op.title ?? '').toLowerCase().includes(words)),
    );
  }, [props.operations, product, search]);
  return (
    <Stack gap="xs">
      <Select
        label="Product"
        size="xs"
        data={PRODUCTS}
        value={product}
        onChange={(v) => setProduct(v ?? 'all')}
        allowDeselect={false}
        data-testid="product-filter"
      />
      <TextInput
        label="Search operations"
        placeholder="e.g. ListResources"
        value={search}
        onChange={(e) => setSearch(e.currentTarget.value)}
        size="xs"
      />
      <Text size="xs" c="dimmed">
        {shown.length} of {props.operations.length} operations
      </Text>
      <ScrollArea.Autosize mah="70vh" type="auto">
        <nav aria-label="Operations">
          {shown.map((op) => (
            <NavLink
              key={`${op.product}/${op.action}`}
              component="button"
              type="button"
              active={props.selected?.product === op.product && props.selected.action === op.action}
              onClick={() => props.onSelect(op)}
              label={op.action}
              description={op.title ? `${op.product} · ${op.title}` : op.product}
              data-testid={`operation-${op.product}-${op.action}`}
            />
          ))}
        </nav>
      </ScrollArea.Autosize>
    </Stack>
  );
}
