import { isMutation } from './server';

describe('isMutation (a mutation reads from the primary)', () => {
  it('knows the operations the gateway sends a subgraph', () => {
    expect(isMutation({ query: 'mutation AcceptInvitation__user__0($input:AcceptInvitationInput!){acceptInvitation(input:$input){user{id}}}' })).toBe(true);
    expect(isMutation({ query: '\n  mutation { joinQueue(input: {}) { visit { id } } }' })).toBe(true);
    expect(isMutation({ query: 'query Line__queue__0{queue(id:"q"){id}}' })).toBe(false);
    expect(isMutation({ query: '{ mutations }' })).toBe(false);
    expect(isMutation({ query: 'query mutation { a }' })).toBe(false);
    expect(isMutation({})).toBe(false);
    expect(isMutation(undefined)).toBe(false);
  });
});
