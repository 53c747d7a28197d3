import type { PluginContext, RouteRegistrar } from '@roster/plugin-sdk';

/** Fastify types, taken from the SDK contract so the plugin needs no direct fastify dependency. */
export type App = Parameters<Parameters<RouteRegistrar['register']>[0]>[0];
export type Request = Parameters<PluginContext<unknown>['viewerOf']>[0];

/** Form or query parameters as plain strings; anything else (objects from a JSON body) is dropped. */
export function toParams(input: unknown): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return out;
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    if (typeof value === 'string') out[key] = value;
    else if (Array.isArray(value) && value.every((v): v is string => typeof v === 'string')) out[key] = value;
  }
  return out;
}
