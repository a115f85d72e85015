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

/** The fields of a visit's life: who called it, recalls, the measured wait, its line time, its history in full. */
export const lifeFields = `id ticket ticketNumber status position estimatedWaitMinutes firstEstimateMinutes latestEstimateMinutes
  counter calledBy { id } recallCount waitMinutes lineAt joinedAt calledAt queue { id } service { id }
  history { fromStatus toStatus actorKind action counter recallCount placement fromQueueId toQueueId fromServiceId toServiceId at }`;

export const recallOp = `mutation($visitId: ID!) { recallVisit(visitId: $visitId) { ${lifeFields} } }`;

export const returnOp = `mutation($visitId: ID!, $placement: Placement!) { returnToQueue(visitId: $visitId, placement: $placement) { ${lifeFields} } }`;

export const transferOp = `mutation($visitId: ID!, $queueId: ID!, $serviceId: ID) {
  transferVisit(visitId: $visitId, queueId: $queueId, serviceId: $serviceId) { ${lifeFields} }
}`;

export const visitLifeOp = `query($id: ID!) { visit(id: $id) { ${lifeFields} } }`;

export const estimateAccuracyOp = `query($id: ID!, $last: Int) {
  queue(id: $id) { id estimateAccuracy(last: $last) { meanAbsoluteErrorMinutes meanAbsoluteErrorLatestMinutes biasMinutes samples } }
}`;

export interface VisitLifeData {
  id: string;
  ticket: string;
  ticketNumber: number;
  status: string;
  position: number | null;
  estimatedWaitMinutes: number | null;
  firstEstimateMinutes: number | null;
  latestEstimateMinutes: number | null;
  counter: string | null;
  calledBy: { id: string } | null;
  recallCount: number;
  waitMinutes: number | null;
  lineAt: string | null;
  joinedAt: string | null;
  calledAt: string | null;
  queue: { id: string };
  service: { id: string } | null;
  history: {
    fromStatus: string | null;
    toStatus: string;
    actorKind: string;
    action: string | null;
    counter: string | null;
    recallCount: number | null;
    placement: string | null;
    fromQueueId: string | null;
    toQueueId: string | null;
    fromServiceId: string | null;
    toServiceId: string | null;
    at: string;
  }[];
}
