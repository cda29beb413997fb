// Grouping helpers. Appending in place matters: re-spreading an array per item is quadratic,
// and the scheduler hands handlers thousands of jobs at a time.

/** Appends `item` to the list under `key`, creating the list on first use. */
export function pushTo<K, V>(map: Map<K, V[]>, key: K, item: V): void {
  const list = map.get(key);
  if (list) list.push(item);
  else map.set(key, [item]);
}
