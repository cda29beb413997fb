// One parameter's input, chosen by its type: text, number (with its range), a select for enums and
// booleans, a JSON editor for objects and arrays (checked as you type). Required fields are marked.
import { NumberInput, Select, Textarea, TextInput } from '@mantine/core';
import type { CatalogParam } from './catalog-types.ts';
import { type FieldValue, hintOf, isJsonField } from './form-values.ts';

const LOCATION: Record<CatalogParam['location'], string> = { path: 'path', query: 'query', body: 'body' };

export function ParamField(props: { param: CatalogParam; value: FieldValue; error?: string; onChange: (value: FieldValue) => void }) {
  const { param: p, value, error, onChange } = props;
  const label = `${p.name} (${p.type}, ${LOCATION[p.location]})`;
  const common = {
    label,
    description: hintOf(p),
    withAsterisk: p.required,
    error,
    'data-param': p.name,
    id: `param-${p.name}`,
  };
  if (p.enum && p.type === 'string') {
    return (
      <Select
        {...common}
        data={p.enum}
        value={value === '' ? null : String(value)}
        onChange={(v) => onChange(v ?? '')}
        clearable
        placeholder="Not set"
        allowDeselect
      />
    );
  }
  if (p.type === 'boolean') {
    return (
      <Select
        {...common}
        data={['true', 'false']}
        value={value === '' ? null : String(value)}
        onChange={(v) => onChange(v ?? '')}
        clearable
        placeholder="Not set"
      />
    );
  }
  if (p.type === 'integer' || p.type === 'number') {
    return (
      <NumberInput
        {...common}
        value={value}
        onChange={(v) => onChange(v)}
        min={p.minimum}
        max={p.maximum}
        allowDecimal={p.type === 'number'}
        clampBehavior="none"
        placeholder={p.example ? `e.g. ${p.example}` : ''}
      />
    );
  }
  if (isJsonField(p) || (p.location === 'body' && p.name === 'body')) {
    return (
      <Textarea
        {...common}
        value={String(value)}
        onChange={(e) => onChange(e.currentTarget.value)}
        autosize
        minRows={2}
        maxRows={14}
        spellCheck={false}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        placeholder={p.type === 'array' ? '["a", "b"]' : '{"key": "value"}'}
      />
    );
  }
  return (
    <TextInput
      {...common}
      value={String(value)}
      onChange={(e) => onChange(e.currentTarget.value)}
      maxLength={p.maxLength}
      placeholder={p.example ? `e.g. ${p.example}` : ''}
    />
  );
}
