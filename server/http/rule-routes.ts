/**
 * Rules: list, create, read, replace, enable/disable, delete, and each
 * rule's run log ("why did the heater turn on?"). Bodies are checked with
 * shared/rule-validation.ts `ruleProblems`, which names the exact field at fault
 * instead of every alternative of a union.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifySchemaCompiler } from 'fastify';
import Type, { type TSchema } from 'typebox';
import { ErrorSchema } from '../../shared/api.ts';
import { ruleProblems } from '../../shared/rule-validation.ts';
import {
  RuleBodySchema,
  RuleIdParamsSchema,
  RuleRunQuerySchema,
  RuleRunSchema,
  RuleSchema,
} from '../../shared/rules.ts';
import { validatorCompiler } from '../plugins/validation.ts';

const tags = ['rules'];

/** Route validation, with rule bodies explained field by field. */
const ruleValidator: FastifySchemaCompiler<TSchema> = (route) => {
  if (route.httpPart !== 'body') return validatorCompiler(route);
  return (data: unknown) => {
    const problems = ruleProblems(data);
    if (problems.length === 0) return { value: data };
    const error = new Error(
      problems
        .slice(0, 5)
        .map((p) => `body${p.startsWith('/') ? '' : ': '}${p}`)
        .join('; '),
    ) as Error & {
      statusCode: number;
    };
    error.statusCode = 400;
    return { error };
  };
};

export const ruleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { rules } = app.services;

  app.get(
    '/api/rules',
    {
      schema: { tags, summary: 'Every rule, oldest first', response: { 200: Type.Array(RuleSchema) } },
    },
    async () => rules.list(),
  );

  app.post(
    '/api/rules',
    {
      validatorCompiler: ruleValidator,
      schema: {
        tags,
        summary: 'Add a rule: an automation, a thermostat, a range alert or an offline alert',
        body: RuleBodySchema,
        response: { 201: RuleSchema, 400: ErrorSchema },
      },
    },
    async (request, reply) => reply.status(201).send(rules.create(request.body)),
  );

  app.get(
    '/api/rules/:id',
    {
      schema: {
        tags,
        summary: 'One rule',
        params: RuleIdParamsSchema,
        response: { 200: RuleSchema, 404: ErrorSchema },
      },
    },
    async (request) => rules.get(request.params.id),
  );

  app.put(
    '/api/rules/:id',
    {
      validatorCompiler: ruleValidator,
      schema: {
        tags,
        summary: 'Replace a rule (its memory starts afresh; `enabled` is kept when omitted)',
        params: RuleIdParamsSchema,
        body: RuleBodySchema,
        response: { 200: RuleSchema, 400: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request) => rules.update(request.params.id, request.body),
  );

  for (const [verb, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    app.post(
      `/api/rules/:id/${verb}`,
      {
        schema: {
          tags,
          summary: enabled ? 'Enable a rule' : 'Disable a rule (its active alerts clear)',
          params: RuleIdParamsSchema,
          response: { 200: RuleSchema, 404: ErrorSchema },
        },
      },
      async (request) => rules.setEnabled(request.params.id, enabled),
    );
  }

  app.delete(
    '/api/rules/:id',
    {
      schema: {
        tags,
        summary: 'Delete a rule and its run log (its alerts clear and stay in the history)',
        params: RuleIdParamsSchema,
        response: { 204: Type.Null(), 404: ErrorSchema },
      },
    },
    async (request, reply) => {
      rules.remove(request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/rules/:id/runs',
    {
      schema: {
        tags,
        summary: 'The run log: what set the rule off, why it decided what it did, how its actions ended',
        params: RuleIdParamsSchema,
        querystring: RuleRunQuerySchema,
        response: { 200: Type.Array(RuleRunSchema), 404: ErrorSchema },
      },
    },
    async (request) => rules.runs(request.params.id, request.query.limit ?? 50),
  );
};
