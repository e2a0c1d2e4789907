// A small cache of the values used last, for objects that are costly to make and read again soon (a lesson's
// unpacked body, its passages): the one used least recently goes first.

/** Returns the value kept for `key`, or makes it with `make`; at most `capacity` values are kept. */
export function recentlyUsed<K, V>(capacity: number): (key: K, make: () => V) => V {
  const kept = new Map<K, V>();
  return (key, make) => {
    let value = kept.get(key);
    if (value !== undefined) kept.delete(key);
    else {
      value = make();
      if (kept.size >= capacity) kept.delete(kept.keys().next().value as K);
    }
    kept.set(key, value);
    return value;
  };
}
