// Builds one engine for the evaluation benchmark. Each adapter is imported on demand so a
// benchmark process loads only the engine it measures.
import type { Entity } from './entities.ts';
import type { EngineName, EngineVisitor } from './eval-engine.ts';

export async function withEvalEngine<R>(
  name: EngineName,
  nFlags: number,
  entities: readonly Entity[],
  visitor: EngineVisitor<R>,
): Promise<R> {
  switch (name) {
    case 'ensign': {
      const { ensignEngine } = await import('./ensign-adapter.ts');
      return visitor.visit(ensignEngine(nFlags, entities));
    }
    case 'flagd': {
      const { flagdEngine } = await import('./flagd-adapter.ts');
      return visitor.visit(flagdEngine(nFlags, entities));
    }
    case 'flipt': {
      const { fliptEngine } = await import('./flipt-adapter.ts');
      return visitor.visit(await fliptEngine(nFlags, entities));
    }
    case 'unleash': {
      const { unleashEngine } = await import('./unleash-adapter.ts');
      return visitor.visit(await unleashEngine(nFlags, entities));
    }
  }
}
