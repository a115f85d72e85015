import { buildSchema, parse } from 'graphql';
import { textInputRefusal } from './text-inputs';

const schema = buildSchema(`
  scalar DateTime
  input AddressInput { line1: String city: String }
  input JoinQueueInput { queueId: ID! name: String notes: String tags: [String!] address: AddressInput at: DateTime }
  type Visit { id: ID! }
  type Query { business(slug: String): Visit customers(search: String, first: Int = 50): [Visit!]! }
  type Mutation { joinQueue(input: JoinQueueInput!): Visit signIn(email: String!, password: String!): Visit }
`);

function refusal(query: string, variables?: Record<string, unknown>) {
  const error = textInputRefusal({ schema, document: parse(query), variables });
  return error && { code: error.extensions.code, field: error.extensions.field, operationField: error.extensions.operationField, message: error.message };
}

const JOIN = 'mutation($input: JoinQueueInput!) { joinQueue(input: $input) { id } }';

describe('control characters in text inputs', () => {
  it('refuses NUL in a variable, naming the field inside the input object', () => {
    expect(refusal(JOIN, { input: { queueId: 'q', name: 'Nu\u0000ll' } })).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.name',
      operationField: 'joinQueue',
      message: expect.stringContaining('input.name contains a control character (U+0000)'),
    });
  });

  it('refuses them in inline literals, nested objects, lists, ids and custom scalars', () => {
    expect(refusal('{ business(slug: "a\\u0000b") { id } }')).toMatchObject({ field: 'slug', operationField: 'business' });
    expect(refusal('{ customers(search: "x\\u001b[31m") { id } }')).toMatchObject({ field: 'search' });
    expect(refusal('mutation { joinQueue(input: { queueId: "q", address: { city: "B\\u0007" } }) { id } }')).toMatchObject({ field: 'input.address.city' });
    expect(refusal('mutation { joinQueue(input: { queueId: "q", tags: ["ok", "b\\u0000"] }) { id } }')).toMatchObject({ field: 'input.tags[1]' });
    expect(refusal(JOIN, { input: { queueId: 'q\u0000' } })).toMatchObject({ field: 'input.queueId' });
    expect(refusal(JOIN, { input: { queueId: 'q', tags: ['a', 'b\u0085'] } })).toMatchObject({
      field: 'input.tags[1]',
      message: expect.stringContaining('U+0085'),
    });
    expect(refusal(JOIN, { input: { queueId: 'q', at: '2026-01-01\u0000' } })).toMatchObject({ field: 'input.at' });
    expect(refusal('mutation($e: String!) { signIn(email: $e, password: "p") { id } }', { e: 'a@b.c\u0000' })).toMatchObject({
      field: 'email',
      operationField: 'signIn',
    });
  });

  it('checks the default of a variable the request leaves out', () => {
    expect(refusal('query($s: String = "x\\u0000") { customers(search: $s) { id } }', {})).toMatchObject({ field: 'search' });
  });

  it('allows tab and line breaks in free text only, and never NUL there', () => {
    expect(refusal(JOIN, { input: { queueId: 'q', name: 'Ada', notes: 'first line\r\n\tsecond line' } })).toBeUndefined();
    expect(refusal(JOIN, { input: { queueId: 'q', name: 'Ada\nLovelace' } })).toMatchObject({
      field: 'input.name',
      message: expect.stringContaining('U+000A'),
    });
    expect(refusal(JOIN, { input: { queueId: 'q', notes: 'line\n\u0000' } })).toMatchObject({
      field: 'input.notes',
      message: expect.stringContaining('U+0000'),
    });
  });

  it('lets ordinary text through, accents, emoji and all', () => {
    expect(refusal(JOIN, { input: { queueId: 'q', name: 'Zoë 🙂 Łukasz', address: { line1: 'Straße 1' } } })).toBeUndefined();
    expect(refusal('{ business(slug: "clinic") { id } customers(search: "a b") { id } }')).toBeUndefined();
  });
});

describe('literals the lexer lets through', () => {
  it('finds a raw tab in a string and line breaks in a block string, outside free text', () => {
    expect(refusal('{ business(slug: "a\tb") { id } }')).toMatchObject({ field: 'slug', message: expect.stringContaining('U+0009') });
    expect(refusal('{ business(slug: """a\nb""") { id } }')).toMatchObject({ field: 'slug', message: expect.stringContaining('U+000A') });
    expect(refusal('mutation { joinQueue(input: { queueId: "q", notes: """a\n\tb""" }) { id } }')).toBeUndefined();
    expect(refusal('query {\n  business(slug: "clinic") {\n    id\n  }\n}')).toBeUndefined();
  });
});
