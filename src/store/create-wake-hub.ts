/** In-process wake listeners of one store: `emit` calls each, and a throwing listener cannot stop the others. */
export function createWakeHub(onListenerError: (err: unknown) => void) {
  const listeners = new Set<() => void>();
  return {
    on(listener: () => void): () => void {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    emit(): void {
      for (const listener of [...listeners]) {
        try {
          listener();
        } catch (err) {
          onListenerError(err);
        }
      }
    },
    get size(): number {
      return listeners.size;
    },
  };
}

export type WakeHub = ReturnType<typeof createWakeHub>;
