/**
 * Route validation with TypeBox's compiler (the same one devices and the
 * dashboard use). Query strings and path params are converted from text
 * (`?points=500` → 500); bodies are taken as sent, so a wrong type in JSON is
 * an error rather than silently coerced.
 */
import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';

export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const validator = Compile(schema);
  const convert = httpPart !== 'body';
  return (data: unknown) => {
    let value = validator.Default(data);
    if (convert) value = validator.Convert(value);
    if (validator.Check(value)) return { value };
    const problems = validator
      .Errors(value)
      .slice(0, 3)
      .map((e) => `${httpPart ?? 'input'}${e.instancePath}: ${e.message}`);
    const error = new Error(problems.join('; ')) as Error & { statusCode: number };
    error.statusCode = 400;
    return { error };
  };
};
