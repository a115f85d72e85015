/** The operations the integration suites send, as a client of the API would. */
export const visitFields = `id ticket ticketNumber status priority position estimatedWaitMinutes firstEstimateMinutes latestEstimateMinutes
  customerName counter joinedAt calledAt servedAt doneAt cancelledAt noShowAt customer { id } service { id } queue { id }`;

export const createQueueOp = `mutation($input: CreateQueueInput!) {
  createQueue(input: $input) { id name status capacity countersOpen ticketPrefix waitingCount business { id } }
}`;

export const joinOp = `mutation($input: JoinQueueInput!) {
  joinQueue(input: $input) { visitToken visit { ${visitFields} } }
}`;

export const callNextOp = `mutation($queueId: ID!, $counter: String) { callNext(queueId: $queueId, counter: $counter) { ${visitFields} } }`;

export const moveOp = (mutation: 'startServing' | 'completeVisit' | 'markNoShow') =>
  `mutation($visitId: ID!) { ${mutation}(visitId: $visitId) { ${visitFields} } }`;

export const cancelOp = `mutation($visitId: ID!, $visitToken: String) { cancelVisit(visitId: $visitId, visitToken: $visitToken) { ${visitFields} } }`;

export const queueOp = `query($id: ID!) {
  queue(id: $id) { id status waitingCount waiting { id ticket position estimatedWaitMinutes } servingNow { id ticket counter } }
}`;

export const visitOp = `query($id: ID!, $visitToken: String) {
  visit(id: $id, visitToken: $visitToken) { ${visitFields} history { fromStatus toStatus actorKind at } }
}`;

export const queueStatusOp = (mutation: 'pauseQueue' | 'resumeQueue' | 'closeQueue' | 'openQueue') =>
  `mutation($queueId: ID!) { ${mutation}(queueId: $queueId) { id status } }`;

export interface VisitData {
  id: string;
  ticket: string;
  ticketNumber: number;
  status: string;
  priority: number;
  position: number | null;
  estimatedWaitMinutes: number | null;
  firstEstimateMinutes: number | null;
  latestEstimateMinutes: number | null;
  customerName: string;
  counter: string | null;
  joinedAt: string | null;
  calledAt: string | null;
  servedAt: string | null;
  doneAt: string | null;
  cancelledAt: string | null;
  noShowAt: string | null;
  customer: { id: string } | null;
  service: { id: string } | null;
  queue: { id: string };
}
