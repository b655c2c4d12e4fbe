// OTEL_TRACES_SAMPLER's samplers, built from the parsed setting.
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace';
import type { Sampler } from '@opentelemetry/sdk-trace';
import type { SamplerSetting } from './telemetry-settings.ts';

export function createSampler(setting: SamplerSetting): Sampler {
  const root =
    setting.root === 'always_on'
      ? new AlwaysOnSampler()
      : setting.root === 'always_off'
        ? new AlwaysOffSampler()
        : new TraceIdRatioBasedSampler(setting.ratio);
  return setting.parentBased ? new ParentBasedSampler({ root }) : root;
}
