/**
 * Routes declare their zod schemas once; the same schemas validate requests and produce the
 * OpenAPI document at /api/openapi.json (Outline's pattern: a folder per resource with its schema).
 */
import { z } from 'zod';

export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI path, e.g. /api/v1/directory/entries/{id}. */
  path: string;
  summary: string;
  tag: string;
  query?: z.ZodObject;
  params?: z.ZodObject;
  body?: z.ZodType;
  response: z.ZodType;
}

export class RouteRegistry {
  readonly routes: RouteDoc[] = [];

  add(doc: RouteDoc): RouteDoc {
    this.routes.push(doc);
    return doc;
  }

  openapi(info: { title: string; version: string }): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    const parameters = (obj: z.ZodObject | undefined, where: 'query' | 'path') =>
      obj
        ? Object.entries(obj.shape).map(([name, schema]) => ({
            name,
            in: where,
            required: where === 'path' || !(schema as z.ZodType).safeParse(undefined).success,
            schema: z.toJSONSchema(schema as z.ZodType, { io: 'input', unrepresentable: 'any' }),
            ...((schema as z.ZodType).description ? { description: (schema as z.ZodType).description } : {}),
          }))
        : [];
    for (const r of this.routes) {
      paths[r.path] ??= {};
      paths[r.path]![r.method] = {
        summary: r.summary,
        tags: [r.tag],
        security: [{ basic: [] }],
        parameters: [...parameters(r.params, 'path'), ...parameters(r.query, 'query')],
        ...(r.body ? { requestBody: { content: { 'application/json': { schema: z.toJSONSchema(r.body, { io: 'input', unrepresentable: 'any' }) } } } } : {}),
        responses: {
          200: { description: 'OK', content: { 'application/json': { schema: z.toJSONSchema(r.response, { unrepresentable: 'any' }) } } },
          400: { description: 'Invalid input' },
          401: { description: 'Not signed in' },
          404: { description: 'Not found' },
        },
      };
    }
    return {
      openapi: '3.1.0',
      info,
      components: { securitySchemes: { basic: { type: 'http', scheme: 'basic' } } },
      paths,
    };
  }
}
