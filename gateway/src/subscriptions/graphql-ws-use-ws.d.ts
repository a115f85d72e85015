// graphql-ws publishes `graphql-ws/use/ws` through package exports only, which our "node"
// module resolution does not read; Node and jest resolve it at run time.
declare module 'graphql-ws/use/ws' {
  export * from 'graphql-ws/dist/use/ws';
}
