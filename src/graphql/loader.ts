import DataLoader from 'dataloader'

/**
 * A per-operation batching loader on `dataloader`: every load() of one execution tick becomes one
 * batch call, each key is asked for once per operation (its promise is cached), and a failed batch
 * forgets its keys so a later load asks again. A Loader lives in one Loaders (one per HTTP request,
 * one per socket operation, one per rendered subscription event): nothing is cached across them.
 *
 * Hearth's batch functions answer a Map of what they found; a key they did not find loads as null.
 */
export type Loader<K, V> = DataLoader<K, V | null>

export function createLoader<K, V>(name: string, batch: (keys: K[]) => Promise<Map<K, V>>): Loader<K, V> {
  return new DataLoader<K, V | null>(async (keys) => {
    const found = await batch([...keys])
    return keys.map((k) => found.get(k) ?? null)
  }, { name })
}
