import {
  Kind,
  getNamedType,
  parse,
  typeFromAST,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLInputType,
  type OperationDefinitionNode,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';

/**
 * Operations generated from a schema to probe one tenant's objects with another tenant's
 * credentials: every root field that takes an id, with the id of an object of the right type.
 * Nothing here is hand-picked, so a field added to the schema is probed without anyone
 * remembering to.
 */

export type RootOperation = 'query' | 'mutation';

/** One ID somewhere in a root field's arguments. */
export interface IdSlot {
  /** Where it sits: `['queueId']`, `['input', 'serviceIds']`. */
  path: string[];
  /**
   * The type of object it names: from its name (`businessId` and `businessIds` name a
   * Business), or, for `id`, the field's return type (`revokeApiKey(id): ApiKey`).
   */
  target: string;
  list: boolean;
}

export interface IdTakingField {
  operation: RootOperation;
  name: string;
  /** `Query.visit`, `Mutation.callNext`. */
  coordinate: string;
  slots: IdSlot[];
}

/** The id to send in a slot; an array for a list slot is made of one id. */
export type IdChooser = (slot: IdSlot) => string;

export interface Probe {
  field: IdTakingField;
  operationName: string;
  query: string;
  /** Variables with the chosen ids; the other required arguments get valid sample values. */
  variables(chooseId: IdChooser): Record<string, unknown>;
}

/** Every Query and Mutation field with an ID argument, or an input object holding one (at any depth). */
export function idTakingFields(schema: GraphQLSchema): IdTakingField[] {
  const roots: [RootOperation, ReturnType<GraphQLSchema['getQueryType']>][] = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
  ];
  const fields: IdTakingField[] = [];
  for (const [operation, type] of roots) {
    for (const field of Object.values(type?.getFields() ?? {})) {
      const owner = ownerOf(field);
      const slots = field.args.flatMap((arg) => idSlotsOf(arg.type, [arg.name], owner, new Set()));
      if (slots.length > 0) fields.push({ operation, name: field.name, coordinate: `${type!.name}.${field.name}`, slots });
    }
  }
  return fields;
}

/**
 * The type an `id` argument names: the field's return type when it is an object with an id
 * (`revokeApiKey(id): ApiKey`); the object with an id inside a payload it returns
 * (`rotateWebhookSecret(id): { endpoint: WebhookEndpoint, secret }`); else, for a scalar answer,
 * the field's name without its verb (`deleteWebhookEndpoint(id): ID` names a WebhookEndpoint).
 */
function ownerOf(field: GraphQLField<unknown, unknown>): string {
  const named = getNamedType(field.type);
  const hasId = (type: unknown) => isObjectType(type) && 'id' in type.getFields();
  if (hasId(named)) return named.name;
  if (isObjectType(named)) {
    const inner = Object.values(named.getFields())
      .map((child) => getNamedType(child.type))
      .find(hasId);
    if (inner) return inner.name;
    return named.name;
  }
  return /^[a-z]+([A-Z]\w*)$/.exec(field.name)?.[1] ?? named.name;
}

function idSlotsOf(type: GraphQLInputType, path: string[], owner: string, seen: Set<string>): IdSlot[] {
  const named = getNamedType(type);
  if (named.name === 'ID') {
    const name = path[path.length - 1];
    return [{ path, target: targetOf(name, owner), list: isListType(isNonNullType(type) ? type.ofType : type) }];
  }
  if (!isInputObjectType(named) || seen.has(named.name)) return [];
  const inner = new Set(seen).add(named.name);
  return Object.values(named.getFields()).flatMap((field) => idSlotsOf(field.type, [...path, field.name], owner, inner));
}

/**
 * Argument stems that name a type by another word (`offerId` of acceptStandbyOffer is a
 * StandbyOffer, `staffId` a User, `endpointId` of webhookDeliveries a WebhookEndpoint).
 */
const targetAliases: Record<string, string> = {
  Offer: 'StandbyOffer',
  Entry: 'StandbyEntry',
  Staff: 'User',
  Endpoint: 'WebhookEndpoint',
  Delivery: 'WebhookDelivery',
  // auditLog(actorId): whoever acted; a staff member's id is the probe.
  Actor: 'User',
};

function targetOf(name: string, owner: string): string {
  if (name === 'id' || name === 'ids') return owner;
  const stem = /^(.+?)Ids?$/.exec(name)?.[1] ?? name;
  const target = stem[0].toUpperCase() + stem.slice(1);
  return targetAliases[target] ?? target;
}

const maxSelectionDepth = 2;

/** One operation for a field: its ID arguments, its required ones, and the scalars of its answer two levels deep. */
export function buildProbe(schema: GraphQLSchema, field: IdTakingField): Probe {
  const root = field.operation === 'query' ? schema.getQueryType()! : schema.getMutationType()!;
  const definition = root.getFields()[field.name];
  const sent = definition.args.filter((arg) => isNonNullType(arg.type) || field.slots.some((slot) => slot.path[0] === arg.name));
  const operationName = `Probe_${field.name}`;
  const variableList = sent.length ? `(${sent.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ')})` : '';
  const argumentList = sent.length ? `(${sent.map((arg) => `${arg.name}: $${arg.name}`).join(', ')})` : '';
  const query = `${field.operation} ${operationName}${variableList} { ${field.name}${argumentList} ${selectionOf(definition.type, 1)} }`;
  return {
    field,
    operationName,
    query,
    variables: (chooseId) => {
      const samples = createSampler();
      return Object.fromEntries(sent.map((arg) => [arg.name, valueOf(arg.type, [arg.name], field.slots, chooseId, samples)]));
    },
  };
}

/** A ready-made operation (a trusted document) with its ID variables found the same way as arguments. */
export interface DocumentProbe {
  slots: IdSlot[];
  variables(chooseId: IdChooser): Record<string, unknown>;
}

export function probeOfDocument(schema: GraphQLSchema, body: string): DocumentProbe {
  const operation = parse(body).definitions.find((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  if (!operation) throw new Error(`no operation in ${body}`);
  const root =
    operation.operation === 'mutation'
      ? schema.getMutationType()
      : operation.operation === 'subscription'
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  const first = operation.selectionSet.selections.find((selection) => selection.kind === Kind.FIELD);
  const rootField = first?.kind === Kind.FIELD ? root?.getFields()[first.name.value] : undefined;
  const owner = rootField ? ownerOf(rootField) : '';
  const variables = (operation.variableDefinitions ?? []).map((definition) => {
    const type = typeFromAST(schema, definition.type as never) as GraphQLInputType | undefined;
    if (!type) throw new Error(`unknown type of $${definition.variable.name.value}`);
    return { name: definition.variable.name.value, type, required: isNonNullType(type) && !definition.defaultValue };
  });
  const slots = variables.flatMap((variable) => idSlotsOf(variable.type, [variable.name], owner, new Set()));
  return {
    slots,
    variables: (chooseId) => {
      const samples = createSampler();
      const sent = variables.filter((variable) => variable.required || slots.some((slot) => slot.path[0] === variable.name));
      return Object.fromEntries(sent.map((variable) => [variable.name, valueOf(variable.type, [variable.name], slots, chooseId, samples)]));
    },
  };
}

/** Leaves of the answer (and of the objects inside it, once more); fields that need arguments are left out. */
export function selectionOf(type: GraphQLOutputType, depth: number): string {
  const named = getNamedType(type);
  if (isLeafType(named)) return '';
  if (!isObjectType(named)) return '{ __typename }';
  const parts: string[] = [];
  for (const child of Object.values(named.getFields()) as GraphQLField<unknown, unknown>[]) {
    if (child.args.some((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined)) continue;
    if (isLeafType(getNamedType(child.type))) parts.push(child.name);
    else if (depth < maxSelectionDepth) parts.push(`${child.name} ${selectionOf(child.type, depth + 1)}`);
  }
  return `{ ${parts.length ? parts.join(' ') : '__typename'} }`;
}

/** A value for an argument or variable of this type, with ids from `chooseId` wherever a slot is. */
export function valueOf(type: GraphQLInputType, path: string[], slots: IdSlot[], chooseId: IdChooser, samples: Sampler): unknown {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) return [valueOf(inner.ofType, path, slots, chooseId, samples)];
  const slot = slots.find((candidate) => candidate.path.join('.') === path.join('.'));
  if (slot) return chooseId(slot);
  if (isEnumType(inner)) return inner.getValues()[0].value;
  if (isInputObjectType(inner)) {
    const entries = Object.values(inner.getFields())
      .filter((field) => isNonNullType(field.type) || holdsSlot([...path, field.name], slots) || describesObject(field.name))
      .map((field) => [field.name, valueOf(field.type, [...path, field.name], slots, chooseId, samples)]);
    return Object.fromEntries(entries);
  }
  return samples(path[path.length - 1], inner.name);
}

const holdsSlot = (path: string[], slots: IdSlot[]) => slots.some((slot) => path.every((part, i) => slot.path[i] === part));
/**
 * Optional name fields are filled in too: an update that reached another tenant's object would
 * then visibly change it, where an empty update might change nothing the snapshot could see.
 */
const describesObject = (name: string) => /name$/i.test(name);

export type Sampler = (name: string, scalar: string) => unknown;

/** Valid values by argument name, then by scalar: probes must fail on tenancy, not on validation. */
export function createSampler(): Sampler {
  let n = 0;
  const unique = () => `${Date.now().toString(36)}${(n += 1)}`;
  const byName: [RegExp, () => unknown][] = [
    [/email/i, () => `probe-${unique()}@example.test`],
    [/password/i, () => 'probe-password-123'],
    [/timezone/i, () => 'Europe/Berlin'],
    [/slug/i, () => `probe-${unique()}`],
    [/^opensAt$/, () => '09:00'],
    [/^closesAt$/, () => '17:00'],
    [/colou?r/i, () => '#336699'],
    [/url$|website/i, () => 'https://example.test/'],
    [/phone/i, () => '+49 30 1234567'],
    [/currency/i, () => 'EUR'],
    [/language/i, () => 'en'],
    [/weekday/i, () => 0],
    // Business-local days (standby windows, exceptions): the day after tomorrow.
    [/Day$|^date$/, () => new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10)],
    [/minutes/i, () => 15],
    [/prefix/i, () => 'P'],
    // A browser's push subscription (registerPushSubscription): an https endpoint and its keys.
    [/^endpoint$/, () => `https://push.example.test/${unique()}`],
    [/^p256dh$/, () => `B${'A'.repeat(86)}`],
    [/^auth$/, () => 'c2VjcmV0LWF1dGgtMTIzNA'],
  ];
  return (name, scalar) => {
    // A period asked for (appointments, insights): from a day ago to a month ahead.
    if (scalar === 'DateTime' && name === 'from') return new Date(Date.now() - 86_400_000).toISOString();
    if (scalar === 'DateTime' && name === 'to') return new Date(Date.now() + 30 * 86_400_000).toISOString();
    // Weekly windows take times of day as text; a DateTime of the same name is an instant.
    if (scalar === 'String' && /^(startsAt|endsAt)$/.test(name)) return name === 'startsAt' ? '09:00' : '17:00';
    const rule = byName.find(([pattern]) => pattern.test(name));
    if (rule) return rule[1]();
    switch (scalar) {
      case 'Int':
        return 1;
      case 'Float':
        return 1.5;
      case 'Boolean':
        return true;
      case 'DateTime':
        return new Date(Date.now() + 24 * 3600 * 1000).toISOString();
      default:
        return 'Probe';
    }
  };
}
