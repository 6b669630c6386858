/** Accounts and access: DTOs of the auth, token and integration-account APIs. */
import Type, { type Static, type TSchema } from 'typebox';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** Shortest owner password accepted. */
export const MIN_PASSWORD_LENGTH = 10;
/** The session cookie. */
export const SESSION_COOKIE = 'hearth_session';

export const AuthStatusSchema = Type.Object({
  setup_required: Type.Boolean({ description: 'no owner yet: POST /api/auth/setup first' }),
  setup_code_required: Type.Boolean({
    description: 'setup from another machine needs the code printed in the hub log',
  }),
  authenticated: Type.Boolean(),
  user: Nullable(Type.Object({ name: Type.String() })),
  via: Nullable(Type.Enum(['session', 'token'])),
});
export type AuthStatusDto = Static<typeof AuthStatusSchema>;

const Password = Type.String({ minLength: 1, maxLength: 1024 });

export const SetupBodySchema = Type.Object(
  {
    password: Type.String({ minLength: MIN_PASSWORD_LENGTH, maxLength: 1024 }),
    setup_code: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
export type SetupBody = Static<typeof SetupBodySchema>;

export const LoginBodySchema = Type.Object(
  { name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })), password: Password },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBodySchema>;

export const ChangePasswordBodySchema = Type.Object(
  {
    current_password: Password,
    new_password: Type.String({ minLength: MIN_PASSWORD_LENGTH, maxLength: 1024 }),
  },
  { additionalProperties: false },
);

export const TokenSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  created_at: Type.Integer(),
  last_used: Nullable(Type.Integer()),
});
export type TokenDto = Static<typeof TokenSchema>;

export const CreateTokenBodySchema = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 64, pattern: '\\S' }) },
  { additionalProperties: false },
);

export const CreatedTokenSchema = Type.Object({
  token: TokenSchema,
  secret: Type.String({ description: 'the Bearer token, shown only this once' }),
});
export type CreatedTokenDto = Static<typeof CreatedTokenSchema>;

/** MQTT topic filter: levels separated by `/`, `+` for one level, `#` last. */
export const TOPIC_FILTER_PATTERN = '^(?:[^#+/]*|\\+)(?:/(?:[^#+/]*|\\+))*(?:/#)?$|^#$';

export const IntegrationSchema = Type.Object({
  id: Type.String(),
  username: Type.String(),
  patterns: Type.Array(Type.String()),
  access: Type.Enum(['read', 'readwrite']),
  created_at: Type.Integer(),
});
export type IntegrationDto = Static<typeof IntegrationSchema>;

const Patterns = Type.Array(Type.String({ minLength: 1, maxLength: 256, pattern: TOPIC_FILTER_PATTERN }), {
  minItems: 1,
  maxItems: 32,
});

export const CreateIntegrationBodySchema = Type.Object(
  {
    username: Type.String({ pattern: '^[a-z0-9][a-z0-9_.-]{2,63}$' }),
    patterns: Patterns,
    access: Type.Enum(['read', 'readwrite']),
  },
  { additionalProperties: false },
);
export type CreateIntegrationBody = Static<typeof CreateIntegrationBodySchema>;

export const UpdateIntegrationBodySchema = Type.Object(
  { patterns: Type.Optional(Patterns), access: Type.Optional(Type.Enum(['read', 'readwrite'])) },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateIntegrationBody = Static<typeof UpdateIntegrationBodySchema>;

export const CreatedIntegrationSchema = Type.Object({
  integration: IntegrationSchema,
  password: Type.String({ description: 'the MQTT password, shown only this once' }),
  mqtt_url: Type.String(),
});
export type CreatedIntegrationDto = Static<typeof CreatedIntegrationSchema>;
